"""The site's own pages: home, methodology, the API guide, and the "Numbers" setting
every page with number inputs offers."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from instruments.api.querystring import encode_query
from instruments.calculators import REGISTRY, limits
from instruments.web import number_formats
from instruments.web.shortcuts import api_calculator_path, safe_next


def home(request: HttpRequest) -> HttpResponse:
    calculators = list(REGISTRY.values())
    return render(request, "instruments/home.html", {"calculators": calculators})


@require_POST
def number_format_choice(request: HttpRequest) -> HttpResponse:
    """Keep the official's explicit number format (or forget it: "from my
    browser"), then go back to the page."""
    response = redirect(safe_next(request, default=reverse("instruments:home")))
    choice = request.POST.get("number_format", "")
    if choice in number_formats.CHOICES:
        response.set_cookie(
            number_formats.COOKIE,
            choice,
            max_age=number_formats.COOKIE_MAX_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(number_formats.COOKIE, samesite="Lax")
    return response


def methodology(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "instruments/methodology.html",
        {"calculators": REGISTRY.values(), "limits": limits},
    )


def api_guide(request: HttpRequest) -> HttpResponse:
    example = REGISTRY["price-floor"]
    query = encode_query(example, dict(example.example))
    api_path = api_calculator_path(example.slug)
    base = request.build_absolute_uri(api_path)
    return render(
        request,
        "instruments/api_guide.html",
        {
            "calculators": REGISTRY.values(),
            "example_get": f"{base}?{query}",
            "example_csv": f"{base}?{query}&format=csv",
            "example_body": json.dumps(dict(example.example), indent=2),
            "api_root": request.build_absolute_uri("/api/v1/"),
            "token_url": request.build_absolute_uri("/api/v1/token/"),
        },
    )
