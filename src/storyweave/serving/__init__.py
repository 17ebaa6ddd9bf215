"""What the JSON API (``storyweave.api``) and the web pages (``storyweave.web``) share when served:
request dependencies, the page cache and the security headers. ``storyweave.app`` puts them
together; neither the API nor the pages import each other."""
