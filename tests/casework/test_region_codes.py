"""12-digit division codes: levels, refusals, parents, ancestors, subtree ranges and Region."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from casework import region_codes
from casework.models import Region
from tests.conftest import (
    COUNTY,
    OTHER_TOWNSHIP,
    OTHER_TOWNSHIP_VILLAGE,
    OTHER_VILLAGE,
    TOWNSHIP,
    VILLAGE,
)

PROVINCE = "360000000000"
CITY = "360900000000"
NEIGHBOUR_COUNTY = "360902000000"
COUNTY_SUBTREE = {
    COUNTY,
    TOWNSHIP,
    VILLAGE,
    OTHER_VILLAGE,
    OTHER_TOWNSHIP,
    OTHER_TOWNSHIP_VILLAGE,
}


@pytest.mark.parametrize(
    ("code", "level"),
    [
        (PROVINCE, region_codes.PROVINCE),
        ("110000000000", region_codes.PROVINCE),
        (CITY, region_codes.CITY),
        ("360100000000", region_codes.CITY),
        (COUNTY, region_codes.COUNTY),
        ("360901000000", region_codes.COUNTY),
        (TOWNSHIP, region_codes.TOWNSHIP),
        ("360921001000", region_codes.TOWNSHIP),
        (VILLAGE, region_codes.VILLAGE),
        ("360921100100", region_codes.VILLAGE),
        ("360921001001", region_codes.VILLAGE),
    ],
)
def test_level_of_each_well_formed_code(code, level):
    assert region_codes.level_of(code) == level


@pytest.mark.parametrize(
    "code",
    [
        "36092110000",  # 11 digits
        "3609211000011",  # 13 digits
        "",
        None,
        "36092110000A",  # a letter
        "36O921100001",  # letter O for zero
        "360921 00001",
        "360921100001\n",
        "360900100000",  # a township under a zero county segment
        "360000001000",  # a township under zero city and county segments
        "360921000001",  # a village under a zero township segment
        "000000000000",  # all zeros
        "000000000001",
        "003600000000",  # a city under a zero province segment
    ],
)
def test_malformed_code_is_refused(code):
    with pytest.raises(ValidationError) as caught:
        region_codes.level_of(code)
    assert caught.value.code == "shape"
    with translation.override("zh-hans"):
        message = str(caught.value.messages[0])
    assert "区划代码" in message or message.startswith("Region code")


def test_full_width_digits_are_refused():
    with pytest.raises(ValidationError):
        region_codes.level_of("３６０９２１１０００００")


@pytest.mark.parametrize(
    ("code", "parent"),
    [
        (VILLAGE, TOWNSHIP),
        (OTHER_TOWNSHIP_VILLAGE, OTHER_TOWNSHIP),
        (TOWNSHIP, COUNTY),
        (COUNTY, CITY),
        (CITY, PROVINCE),
        (PROVINCE, None),
    ],
)
def test_parent_code(code, parent):
    assert region_codes.parent_code(code) == parent


def test_parent_code_of_a_malformed_code_is_refused():
    with pytest.raises(ValidationError):
        region_codes.parent_code("360900100000")


@pytest.mark.parametrize(
    ("code", "ancestors"),
    [
        (VILLAGE, [PROVINCE, CITY, COUNTY, TOWNSHIP]),
        (TOWNSHIP, [PROVINCE, CITY, COUNTY]),
        (COUNTY, [PROVINCE, CITY]),
        (CITY, [PROVINCE]),
        (PROVINCE, []),
    ],
)
def test_ancestor_codes_top_first(code, ancestors):
    assert region_codes.ancestor_codes(code) == ancestors


@pytest.mark.parametrize(
    ("code", "bounds"),
    [
        (PROVINCE, ("360000000000", "369999999999")),
        (CITY, ("360900000000", "360999999999")),
        (COUNTY, ("360921000000", "360921999999")),
        (TOWNSHIP, ("360921100000", "360921100999")),
        (VILLAGE, (VILLAGE, VILLAGE)),
    ],
)
def test_subtree_bounds(code, bounds):
    assert region_codes.subtree_bounds(code) == bounds


def test_subtree_bounds_exclude_the_neighbouring_township():
    low, high = region_codes.subtree_bounds(TOWNSHIP)
    assert low <= VILLAGE <= high and low <= OTHER_VILLAGE <= high
    assert not (low <= OTHER_TOWNSHIP <= high)
    assert not (low <= OTHER_TOWNSHIP_VILLAGE <= high)


def test_subtree_bounds_of_a_malformed_code_are_refused():
    with pytest.raises(ValidationError):
        region_codes.subtree_bounds("36092110000")


# --- the Region model ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        (PROVINCE, "province", None),
        (CITY, "city", PROVINCE),
        (COUNTY, "county", CITY),
        (TOWNSHIP, "township", COUNTY),
        (VILLAGE, "village", TOWNSHIP),
        (OTHER_TOWNSHIP_VILLAGE, "village", OTHER_TOWNSHIP),
    ],
)
def test_region_save_derives_level_and_parent(regions, code, level, parent):
    region = Region.objects.get(code=code)
    assert region.level == level
    assert region.parent_id == parent


def test_region_save_overrides_a_level_and_parent_given_by_hand(regions):
    region = Region(code="360921100003", name="新村", level="province", parent_id=COUNTY)
    region.save()
    region.refresh_from_db()
    assert (region.level, region.parent_id) == ("village", TOWNSHIP)
    assert region.parent == regions[TOWNSHIP]


def test_region_save_refuses_a_malformed_code(regions):
    with pytest.raises(ValidationError):
        Region(code="360900100000", name="无县之乡").save()
    assert not Region.objects.filter(code="360900100000").exists()


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (PROVINCE, {PROVINCE, CITY, NEIGHBOUR_COUNTY, *COUNTY_SUBTREE}),
        (CITY, {CITY, NEIGHBOUR_COUNTY, *COUNTY_SUBTREE}),
        (COUNTY, COUNTY_SUBTREE),
        (TOWNSHIP, {TOWNSHIP, VILLAGE, OTHER_VILLAGE}),
        (OTHER_TOWNSHIP, {OTHER_TOWNSHIP, OTHER_TOWNSHIP_VILLAGE}),
        (VILLAGE, {VILLAGE}),
    ],
)
def test_subtree_returns_exactly_the_region_and_its_descendants(regions, code, expected):
    # Regions of a neighbouring county and another province must not leak into other subtrees.
    Region.objects.create(code=NEIGHBOUR_COUNTY, name="邻县")
    Region.objects.create(code="370000000000", name="邻省")
    assert set(Region.objects.subtree(code).values_list("code", flat=True)) == expected


def test_region_contains(regions):
    township = regions[TOWNSHIP]
    assert township.contains(VILLAGE)
    assert township.contains(TOWNSHIP)
    assert not township.contains(OTHER_TOWNSHIP_VILLAGE)
    assert not township.contains(COUNTY)


def test_region_full_name_runs_from_the_county_down(regions):
    assert regions[VILLAGE].full_name == "安和县城关镇东风村"
