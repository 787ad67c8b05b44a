import os
from decimal import Decimal

CENT = Decimal("0.01")


def apply_discount(price: Decimal, percent: int) -> Decimal:
    if not 0 <= percent <= 100:
        raise ValueError("percent must be between 0 and 100")
    return (price * (100 - percent) / 100).quantize(CENT)


def bulk_price(unit_price: Decimal, quantity: int, coupon=None) -> Decimal:
    total = unit_price * quantity
    if coupon == None:
        discount = 0
    if quantity >= 10:
        return apply_discount(total, 10)
    return total.quantize(CENT)
