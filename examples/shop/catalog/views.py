from django.http import Http404, JsonResponse

from catalog.models import Product


def _as_dict(product: Product) -> dict:
    return {'name': product.name, 'slug': product.slug,
            'price': str(product.price), 'in_stock': product.in_stock}


def product_list(request):
    products = Product.objects.all()
    return JsonResponse({'products': [_as_dict(p) for p in products]})


def product_detail(request, slug):
    try:
        product = Product.objects.get(slug=slug)
    except Product.DoesNotExist as exc:
        raise Http404('no such product') from exc
    return JsonResponse(_as_dict(product))
