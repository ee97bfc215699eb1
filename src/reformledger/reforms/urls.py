from django.urls import path

app_name = "reforms"
urlpatterns: list = []
