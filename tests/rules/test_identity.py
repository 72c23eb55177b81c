from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from planning.testing import TEMPLATE_PAYLOADS, make_plan, run_rule, square


def test_unique_ids_pass(thach_that):
    _, x, y = thach_that
    plan = make_plan(
        [
            {"cluster_id": "A", "geometry": square(x, y, 1)},
            {"cluster_id": "B", "geometry": square(x + 0.05, y, 1)},
        ]
    )
    assert run_rule("IDS001", plan).status == "pass"


def test_duplicate_ids_fail_naming_rows(thach_that):
    _, x, y = thach_that
    plan = make_plan(
        [
            {"cluster_id": "A", "geometry": square(x, y, 1)},
            {"cluster_id": "A", "geometry": square(x + 0.05, y, 1)},
        ]
    )
    res = run_rule("IDS001", plan)
    assert res.status == "fail"
    assert "rows 1, 2" in res.findings[0].message


def test_names_equal_without_diacritics_warn(thach_that):
    _, x, y = thach_that
    plan = make_plan(
        [
            {"cluster_id": "A", "name_vi": "CCN Phùng Xá", "geometry": square(x, y, 1)},
            {
                "cluster_id": "B",
                "name_vi": "Cụm công nghiệp phung xa",
                "geometry": square(x + 0.05, y, 1),
            },
            {"cluster_id": "C", "name_vi": "CCN Phú Xá", "geometry": square(x + 0.1, y, 1)},
        ]
    )
    res = run_rule("IDS002", plan)
    assert res.status == "warn"
    (f,) = res.findings
    assert f.detail["ids"] == ["A", "B"]


def test_distinct_names_pass(thach_that):
    _, x, y = thach_that
    plan = make_plan(
        [
            {"cluster_id": "A", "name_vi": "CCN Phùng Xá", "geometry": square(x, y, 1)},
            {"cluster_id": "B", "name_vi": "CCN Phú Xá", "geometry": square(x + 0.05, y, 1)},
        ]
    )
    assert run_rule("IDS002", plan).status == "pass"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
            st.sampled_from(TEMPLATE_PAYLOADS),
        ),
        max_size=20,
    )
)
def test_vectorised_name_fold_equals_the_scalar_one(names):
    import pandas as pd

    from planning.rules.identity import _name_fold, name_folds

    extra = ["CCN Phùng Xá", "Cụm công nghiệp  phung\txa", "ĐỒNG ĐỨC", " ccn İstanbul ǰ\u00a0x "]
    series = pd.Series(names + extra, dtype=object)
    assert list(name_folds(series)) == [_name_fold(s) for s in series]
