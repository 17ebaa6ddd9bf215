"""Incremental story clustering: each new article joins the best story or starts one.

- :mod:`~storyweave.link.clustering.clusterer`: ``StoryClusterer`` (candidates, scoring,
  joining, save and load) and ``cluster_stream``;
- :mod:`~storyweave.link.clustering.state`: ``ClusterInput``, ``ClusterParams``, the saved
  state (``ClusterState``, ``StoryState``) and ``Assignment``;
- :mod:`~storyweave.link.clustering.text_signals`: specifics, years and titles read from text.
"""

from storyweave.link.clustering.clusterer import StoryClusterer, cluster_stream
from storyweave.link.clustering.state import (
    INDEX_FILE,
    STATE_FILE,
    STATE_VERSION,
    Assignment,
    ClusterInput,
    ClusterParams,
    ClusterState,
    StoryState,
)
from storyweave.link.clustering.text_signals import TITLE_CHARS, latest_year, specifics, story_title

__all__ = [
    "INDEX_FILE", "STATE_FILE", "STATE_VERSION", "TITLE_CHARS", "Assignment", "ClusterInput", "ClusterParams",
    "ClusterState", "StoryClusterer", "StoryState", "cluster_stream", "latest_year", "specifics", "story_title",
]
