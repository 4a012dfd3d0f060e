"""Token revocation for API clients; tokens are created by staff in the admin (admin.py)."""

from drf_spectacular.utils import extend_schema
from knox import views as knox_views

from .access import TokenAuthentication


@extend_schema(request=None, responses={204: None}, summary="Revoke the token in use")
class LogoutView(knox_views.LogoutView):
    authentication_classes = (TokenAuthentication,)


@extend_schema(request=None, responses={204: None}, summary="Revoke every token of this user")
class LogoutAllView(knox_views.LogoutAllView):
    authentication_classes = (TokenAuthentication,)
