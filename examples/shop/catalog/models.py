from decimal import Decimal

from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    stock = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    def price_with_tax(self, rate: Decimal = Decimal("0.20")) -> Decimal:
        return (self.price * (1 + rate)).quantize(Decimal("0.01"))
