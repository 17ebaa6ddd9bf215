"""How `storyweave show` writes a timeline entry on one line."""

from storyweave.cli.stories import event_line


def test_a_pronoun_actor_names_no_one_on_a_timeline_line():
    assert event_line({"actor": "they", "action": "offensive", "target": None}) == "offensive"
    assert event_line({"actor": "Rebel forces", "action": "entered", "target": "Hama"}) == "Rebel forces entered Hama"
