"""Placeholder: a helper is writing these pages."""

from django.http import HttpResponse


def my_tasks(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def board(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def task_tree(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def task_new(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def task_detail(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def task_edit(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def task_delete(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def report_new(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def urge(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def report_queue(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def report_review(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def evidence(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def inbox(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def inbox_read(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)
