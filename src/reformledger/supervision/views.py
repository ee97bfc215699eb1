"""Pages of supervision (being written)."""

from django.http import HttpResponse


def task_detail(request, pk):
    return HttpResponse(status=501)


task_tree = order_detail = task_detail
