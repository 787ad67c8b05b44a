import pytest

from catalog.models import Product


@pytest.mark.django_db
def test_product_list(client):
    Product.objects.create(name="Kettle", slug="kettle", price="19.99", stock=2)
    response = client.get("/products/")
    assert response.status_code == 200
    assert response.json()["products"][0]["slug"] == "kettle"


@pytest.mark.django_db
def test_product_detail(client):
    Product.objects.create(name="Mug", slug="mug", price="4.50")
    response = client.get("/products/mug/")
    assert response.json() == {
        "name": "Mug",
        "slug": "mug",
        "price": "4.50",
        "in_stock": False,
    }


@pytest.mark.django_db
def test_product_detail_missing(client):
    response = client.get("/products/nope/")
    assert response.status_code == 404
