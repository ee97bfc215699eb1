"""Placeholder: a helper is writing these pages."""

from django.http import HttpResponse


def order_list(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def order_new(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def order_detail(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def order_acknowledge(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def order_document(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def bulletin(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)
