from __future__ import annotations

import pytest

from planning.testing import district_point


@pytest.fixture(scope="session")
def thach_that():
    return district_point("Thạch Thất")


@pytest.fixture(scope="session")
def chuong_my():
    return district_point("Chương Mỹ")
