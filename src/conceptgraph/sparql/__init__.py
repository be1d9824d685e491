"""The public SPARQL endpoint: the guard, the result formats and the worker pool behind it."""
