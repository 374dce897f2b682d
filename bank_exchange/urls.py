from django.urls import URLPattern

app_name = "bank_exchange"

urlpatterns: list[URLPattern] = []
