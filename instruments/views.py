"""The officials' pages: each view parses, calls one service and renders."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "instruments/home.html")
