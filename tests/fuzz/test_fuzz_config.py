"""Fuzzing the config: any TOML text or table either loads or is a one-line ConfigError."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.config import SECTIONS, Config, config_from_dict, load_config
from kiosk.errors import ConfigError

SECTION_NAMES = list(SECTIONS) + ["bogus"]
KEYS = sorted({f for cls in SECTIONS.values() for f in cls.__dataclass_fields__}) + ["nope"]
SCALARS = st.one_of(
    st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.lists(st.integers(), max_size=3),
)
TABLES = st.dictionaries(
    st.sampled_from(SECTION_NAMES),
    st.one_of(st.dictionaries(st.sampled_from(KEYS), SCALARS, max_size=4), SCALARS),
    max_size=4,
)


@settings(max_examples=500, deadline=None)
@given(TABLES)
def test_any_table_loads_or_is_one_line_config_error(raw):
    try:
        assert isinstance(config_from_dict(raw), Config)
    except ConfigError as err:
        assert str(err).startswith("config") and "\n" not in str(err)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=string.printable, max_size=200))
def test_any_file_text_loads_or_is_one_line_config_error(tmp_path, text):
    path = tmp_path / "kiosk.toml"
    path.write_text(text)
    try:
        load_config(path, env={})
    except ConfigError as err:
        assert "Traceback" not in str(err)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(1, 6000), st.sampled_from(["[", "{a = ", "[[", "{ b = ["]), st.sampled_from(["x", "kiosk.id"]))
def test_deeply_nested_toml_loads_or_is_one_line_config_error(tmp_path, depth, opener, key):
    closer = {"[": "]", "{a = ": "}", "[[": "]]", "{ b = [": "]}"}[opener]
    path = tmp_path / "deep.toml"
    path.write_text(f"{key} = " + opener * depth + "1" + closer * depth + "\n")
    try:
        load_config(path, env={})
    except ConfigError as err:
        assert "\n" not in str(err)
