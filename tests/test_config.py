"""Config: one TOML file, validated once, with environment overrides."""

import pytest

from kiosk.config import DEFAULT_CONFIG, KNOWN_CUES, Config, config_from_dict, load_config, parse_cue_weights
from kiosk.errors import ConfigError


def test_default_config_file_is_valid_and_matches_defaults():
    assert load_config(DEFAULT_CONFIG, env={}) == Config()


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"vision": {"treshold": 0.4}}, "config: vision.treshold = 0.4: unknown key"),
        ({"vision": {"threshold": 1.5}}, "config: vision.threshold = 1.5: must be between"),
        ({"ui": {"fps": "fast"}}, "config: ui.fps = 'fast': must be a whole number"),
        ({"ui": {"fullscreen": 1}}, "config: ui.fullscreen = 1: must be true or false"),
        ({"camera": {"width": True}}, "config: camera.width = True: must be a whole number"),
        ({"store": {"backend": "oracle"}}, "config: store.backend = 'oracle': must be one of sqlite"),
        ({"kiosk": {"timezone": "Mars/Olympus"}}, "config: kiosk.timezone = 'Mars/Olympus': is not an IANA"),
        ({"cameras": {}}, "config: unknown section [cameras]"),
        ({"camera": 3}, "config: camera = 3: must be a [camera] table"),
        ({"vision": {"detector": "nope"}}, "config: vision.detector = 'nope': must be one of yunet"),
        ({"vision": {"embedder": "nope"}}, "config: vision.embedder = 'nope': must be one of sface"),
        ({"kiosk": {"id": ""}}, "config: kiosk.id = '': must not be empty"),
        ({"kiosk": {"id": "   "}}, "config: kiosk.id = '   ': must not be empty"),
        ({"store": {"data_dir": "~nouser-x9/x"}}, "config: store.data_dir = '~nouser-x9/x': names the home folder"),
        ({"mongo": {"uri": "notauri"}}, "config: mongo.uri = 'notauri': must start with mongodb:// or mongodb+srv://"),
        ({"mongo": {"uri": "http://kiosk:s3cret@db/x"}}, "config: mongo.uri = 'http://kiosk:***@db/x': must start"),
    ],
)
def test_bad_values_name_key_value_and_reason(raw, message):
    with pytest.raises(ConfigError) as err:
        config_from_dict(raw)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)
    assert err.value.exit_code == 2


def test_a_mongo_uri_is_checked_once_here_and_empty_means_no_sync(tmp_path):
    assert config_from_dict({"mongo": {"uri": ""}}).mongo.uri == ""
    for uri in ("mongodb://kiosk:pw@db.school:27017/att", "mongodb+srv://cluster.example/"):
        assert config_from_dict({"mongo": {"uri": uri}}).mongo.uri == uri
    path = tmp_path / "k.toml"
    path.write_text("")
    with pytest.raises(ConfigError, match="mongo.uri = 'db.school:27017'") as err:
        load_config(path, env={"KIOSK_MONGO_URI": "db.school:27017"})
    assert "\n" not in str(err.value)


def test_int_is_accepted_for_float_keys():
    assert config_from_dict({"vision": {"threshold": 0}}).vision.threshold == 0


def test_malformed_toml_is_one_line(tmp_path):
    path = tmp_path / "k.toml"
    path.write_text("[vision\nthreshold = ")
    with pytest.raises(ConfigError, match="malformed TOML"):
        load_config(path, env={})


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml", env={})


def test_environment_overrides(tmp_path):
    path = tmp_path / "k.toml"
    path.write_text('[store]\ndata_dir = "here"\n')
    cfg = load_config(path, env={"KIOSK_DATA_DIR": "/srv/kiosk", "KIOSK_ROOM": "B12"})
    assert cfg.store.data_dir == "/srv/kiosk"
    assert cfg.kiosk.room == "B12"


def test_bad_environment_value_is_rejected_with_key(tmp_path):
    path = tmp_path / "k.toml"
    path.write_text("")
    with pytest.raises(ConfigError, match="kiosk.timezone = 'Nowhere'"):
        load_config(path, env={"KIOSK_TIMEZONE": "Nowhere"})


def test_replace_validates():
    with pytest.raises(ConfigError, match="ui.fps"):
        Config().replace("ui", fps=0)


def test_parse_cue_weights():
    assert parse_cue_weights("planar:1.5, blink") == {"planar": 1.5, "blink": 1.0}
    with pytest.raises(ValueError):
        parse_cue_weights("sharpness:1")


def test_every_known_cue_has_a_liveness_backend():
    from kiosk.liveness.base import LIVENESS

    assert set(KNOWN_CUES) == set(LIVENESS.names())


def test_toml_nested_5000_deep_is_one_line(tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ConfigError, match="nested too deeply") as err:
        load_config(deep, env={})
    assert "\n" not in str(err.value) and err.value.exit_code == 2
    tables = tmp_path / "tables.toml"
    tables.write_text("[kiosk]\nid = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n")
    with pytest.raises(ConfigError):
        load_config(tables, env={})
