"""``python -m storyweave.cli``: the same as the ``storyweave`` command."""

from storyweave.cli import main

main()
