"""The course as a graph people look at: the projection into networkx and what is drawn from it.

`projection` reads the store into a networkx graph once per data version; `views` chooses the
nodes of a map view, `layout` places them, `render` gives the data the map draws, `describe` the
words for a node and its links.
May import the shared leaves and `store`.
"""
