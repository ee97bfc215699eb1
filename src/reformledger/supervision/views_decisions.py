"""Placeholder: a helper is writing these pages."""

from django.http import HttpResponse


def decisions(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def completion_apply(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def completion_decide(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def change_new(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def change_detail(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def change_decide(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def help_list(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def help_resolve(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)
