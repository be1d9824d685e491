"""The public SPARQL endpoint: the guard, the result formats and the worker pool behind it.

May import the shared leaves and `store`; the web layer (`server`) calls it, never the reverse.
"""
