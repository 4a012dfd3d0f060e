from django.urls import path

from config.urls import urlpatterns as product_urlpatterns

from .views import rounds_floor

urlpatterns = [path("bench/floor/rounds/", rounds_floor), *product_urlpatterns]
