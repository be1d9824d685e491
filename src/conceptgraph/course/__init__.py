"""The YAML side of the flow: the course as facilitators write it, turned into validated RDF.

Reading YAML with positions (`read`), the keys a file may hold (`schema`), the values they take
(`values`), the loader's checks (`load`) and the records they give (`model`), the conversion to RDF
(`to_rdf`), SHACL validation (`shacl`), the build on disk (`build`) and counts (`stats`).
May import the shared leaves and `store` (a build is opened as a store); nothing above.
"""
