"""The settings file: one schema, clear errors, and the last good settings kept."""

from pathlib import Path

import pytest

from app.resources import resource
from app.store import settings


def test_shipped_defaults_file_matches_the_schema():
    text = resource("default-settings.toml").read_text(encoding="utf-8")
    assert text == settings.render(settings.defaults().values)
    assert settings.parse(text, Path("x")).values == settings.defaults().values


def test_missing_file_means_defaults(tmp_path):
    assert settings.load(tmp_path / "none.toml") == settings.defaults()


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ('[extensions]\nmode = "whitelist"\n', "extensions.mode", "must be one of"),
        ('[trust]\nsenders = "a@b"\n', "trust.senders", "list of strings"),
        ("[actions]\ndangerous = 3\n", "actions.dangerous", "text in quotes"),
        ("[watch]\npoll_seconds = true\n", "watch.poll_seconds", "whole number"),
        ('[extension]\nmode = "allow-list"\n', "extension.mode", "did you mean extensions.mode"),
        ('[extensions]\nextra_block = ["a b"]\n', "extensions.extra_block", "not a file extension"),
        ("[trust\n", None, "not valid TOML"),
    ],
)
def test_bad_file_names_file_key_and_problem(tmp_path, text, key, words):
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(settings.SettingsError) as caught:
        settings.load(path)
    assert caught.value.key == key
    assert str(path) in str(caught.value)
    assert words in str(caught.value)


def test_bad_reload_keeps_previous_good_settings(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[extensions]\nmode = "allow-list"\n', encoding="utf-8")
    store = settings.SettingsStore(path)
    assert store.reload() is None
    assert store.current["extensions.mode"] == "allow-list"
    path.write_text('[extensions]\nmode = "nonsense"\n', encoding="utf-8")
    error = store.reload()
    assert error is not None and error.key == "extensions.mode"
    assert store.current["extensions.mode"] == "allow-list"


def test_save_round_trips_and_rules_follow(tmp_path):
    store = settings.SettingsStore(tmp_path / "sub" / "settings.toml")
    values = dict(settings.defaults().values)
    values["trust.domains"] = ["@Example.CO.JP"]
    values["extensions.mode"] = "allow-list"
    values["extensions.allowed"] = [".PDF"]
    store.save(values)
    assert store.reload() is None
    rules = store.current.rules(me="me@here.example")
    assert rules.trusted_domains == frozenset({"example.co.jp"})
    assert rules.me == "me@here.example"
    assert rules.policy.tier("pdf") is None
    assert rules.policy.tier("png") == "block"
