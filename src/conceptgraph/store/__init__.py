"""Where the RDF lives: the one store interface and its backends, and loading RDF files into them.

`interface.GraphStore` is what every reader uses; `embedded.Store` is Oxigraph in process (memory
or disk), `remote.RemoteStore` a SPARQL server over HTTP. `load_files` streams RDF files into any
of them, `new_store` builds a new on-disk store beside the old one, `rdf_xml` screens RDF/XML
before parsing, `results` writes query results for the command line.
May import only the shared leaves.
"""
