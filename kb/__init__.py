"""The knowledge-base engine: load, validate, link and render entries.

Data flows one way: load -> validate -> link -> render -> write.
"""
