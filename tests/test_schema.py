"""planning.schema: one table per layer, used by the readers, the model, the maps and the docs."""

from __future__ import annotations

from pathlib import Path

import pytest

from planning import schema
from planning.errors import PlanDataError
from planning.model.manifest import load_manifest
from planning.settings import bundled_geodata_dir

ROOT = Path(__file__).resolve().parent.parent


def test_docs_schema_is_generated_from_the_module() -> None:
    # Regenerate with: python -m planning.schema > docs/schema.md
    assert (ROOT / "docs" / "schema.md").read_text(encoding="utf-8") == schema.markdown()


def test_docs_point_to_the_generated_schema() -> None:
    architecture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert "docs/schema.md" in architecture or "(schema.md)" in architecture
    # The column tables are no longer typed by hand beside the generated ones.
    assert "| `cluster_id` |" not in architecture


def test_layer_tables_give_the_canonical_columns() -> None:
    assert schema.CLUSTER_COLUMNS[:3] == ("cluster_id", "name_vi", "commune_vi")
    assert schema.CLUSTER_DEFAULTS == {
        "category": "unknown",
        "phase": "unknown",
        "geometry_kind": "digitized",
        "location_precision": "digitized",
    }
    for layer in schema.LAYERS.values():
        assert layer.id_column == layer.names[0]
        assert len(set(layer.names)) == len(layer.names)
        for column in layer.columns:
            assert column.dtype in {"str", "float"}
            assert not column.closed or column.values, column.name
            assert column.default is None or not column.values or column.default in column.values


def test_every_category_has_a_phase_node_in_the_schema() -> None:
    assert set(schema.CATEGORY_PHASES) == set(schema.CATEGORIES) - {"unknown"}
    assert set(schema.CATEGORY_PHASES.values()) == set(schema.PHASE_NODES)
    assert set(schema.PHASE_NODES) == set(schema.PHASES) - {"unknown"}


def test_sources_layers_agree_with_the_schema() -> None:
    from planning.sources import boundaries as geodata

    assert (*schema.COMMUNE_COLUMNS, "geometry") == geodata.COMMUNE_COLUMNS
    assert (*schema.DISTRICT_COLUMNS, "geometry") == geodata.DISTRICT_COLUMNS


def test_maps_and_testing_take_the_codes_from_the_schema() -> None:
    from planning.maps import api
    from planning.testing import synthetic

    assert api.CATEGORY_LABELS == schema.CATEGORIES
    assert dict(synthetic._CATEGORIES) == schema.CATEGORY_PHASES


def test_bundled_manifest_category_codes_are_the_schemas() -> None:
    man = load_manifest()
    for phase, node in schema.PHASE_NODES.items():
        children = set(man.categories[node].children)
        assert children == {c for c, p in schema.CATEGORY_PHASES.items() if p == phase}


def test_manifest_with_an_unknown_category_code_is_refused(tmp_path: Path) -> None:
    text = (bundled_geodata_dir() / "plan.toml").read_text(encoding="utf-8")
    assert 'children = ["kept", "new", "limited"]' in text
    bad = tmp_path / "plan.toml"
    bad.write_text(
        text.replace(
            'children = ["kept", "new", "limited"]', 'children = ["kept", "new", "limted"]'
        ).replace("[categories.limited]", "[categories.limted]"),
        encoding="utf-8",
    )
    with pytest.raises(
        PlanDataError,
        match=r"categories\.to2020, field 'children': child 'limted' is not a category code of "
        r"phase to_2020 \(kept, new, limited\)",
    ):
        load_manifest(bad)


def test_category_tree_problems_without_phase_nodes_is_empty() -> None:
    assert schema.category_tree_problems({"root": ["x", "y"]}) == []
    assert schema.category_tree_problems({"to2030": ["new_2030", "kept"]}) == [
        (
            "to2030",
            "child 'kept' is not a category code of phase 2021_2030 (new_2030, expansion_2030)",
        )
    ]
