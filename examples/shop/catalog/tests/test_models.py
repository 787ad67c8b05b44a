from decimal import Decimal

import pytest

from catalog.models import Product


@pytest.mark.django_db
def test_str_is_name():
    product = Product.objects.create(name="Kettle", slug="kettle", price="19.99")
    assert str(product) == "Kettle"


@pytest.mark.django_db
def test_in_stock():
    product = Product.objects.create(name="Mug", slug="mug", price="4.50", stock=3)
    assert product.in_stock


def test_price_with_tax():
    product = Product(name="Tea", slug="tea", price=Decimal("10.00"))
    assert product.price_with_tax() == Decimal("12.00")
