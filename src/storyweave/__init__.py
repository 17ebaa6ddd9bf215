"""storyweave: many news reports of the same events, turned into one sourced picture."""

__version__ = "0.1.0"
