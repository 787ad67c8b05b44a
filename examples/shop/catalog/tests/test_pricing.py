from decimal import Decimal

import pytest

from catalog.pricing import apply_discount, bulk_price


def test_apply_discount():
    assert apply_discount(Decimal("20.00"), 25) == Decimal("15.00")


def test_apply_discount_rejects_bad_percent():
    with pytest.raises(ValueError):
        apply_discount(Decimal("20.00"), 120)


def test_bulk_price_small_order():
    assert bulk_price(Decimal("2.50"), 4) == Decimal("10.00")


def test_bulk_price_large_order():
    assert bulk_price(Decimal("1.00"), 10) == Decimal("10.00")
