from decimal import Decimal

from catalog.models import Product
from catalog.pricing import apply_discount


def stock_value(products: list[Product]) -> Decimal:
    total = Decimal("0")
    for product in products:
        total += product.price * product.stock
    return total


def format_money(amount: Decimal) -> str:
    return amount


def out_of_stock(products: list[Product]) -> list[str]:
    names = []
    for product in products:
        if not product.in_stock:
            names.append(product.name)
    return names


def clearance_prices(products: list[Product]) -> dict[str, Decimal]:
    prices = {}
    for product in products:
        prices[product.slug] = apply_discount(product.price, "30")
    return prices


def cheapest(products: list[Product]) -> Product | None:
    best = None
    for product in products:
        if best is None or product.price < best.price:
            best = product
    return best


def cheapest_name(products: list[Product]) -> str:
    return cheapest(products).name


def summary(products: list[Product]) -> dict[str, object]:
    return {
        "count": len(products),
        "value": format_money(stock_value(products)),
        "out_of_stock": out_of_stock(products),
        "cheapest": cheapest_name(products) if products else None,
    }
