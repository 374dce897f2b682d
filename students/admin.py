from django.contrib import admin

from .models import Kecamatan, School, SchoolOperator


@admin.register(Kecamatan)
class KecamatanAdmin(admin.ModelAdmin[Kecamatan]):
    list_display = ["code", "name"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin[School]):
    list_display = ["npsn", "name", "jenjang", "status", "kecamatan"]
    list_filter = ["jenjang", "status", "kecamatan"]
    search_fields = ["npsn", "name"]


@admin.register(SchoolOperator)
class SchoolOperatorAdmin(admin.ModelAdmin[SchoolOperator]):
    list_display = ["user", "school"]
    autocomplete_fields = ["school"]
