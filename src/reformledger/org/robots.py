"""Group-robot addresses (a unit's ``webhook_url``): which the office may save, where the worker may post.

A unit's group robot (WeCom 企业微信 or DingTalk 钉钉) is an address on the internet that the worker
posts reminders to. Left open, it is a way into the server's own network: an address on loopback,
on the intranet or on a cloud's metadata service would have the worker post there and record the
answer where the office reads it. So (ADR 0030):

- the host must be on ``ROBOT_ALLOWED_HOSTS`` (WeCom's and DingTalk's by default), compared exactly;
- the scheme must be https, unless ``ROBOT_ALLOW_HTTP`` is set (an intranet relay without TLS);
- at send time the name is resolved once, and every address it resolves to must be public: not
  loopback, private, link-local, multicast, reserved or unspecified — unless it lies in
  ``ROBOT_ALLOWED_NETWORKS``, which the operator sets for an intranet relay. The worker then
  connects to the address checked here (:class:`RobotTarget`), never resolving the name again.

:func:`check_robot_address` is the check when an address is saved (forms, services, the model
field's validator): it refuses what the address itself shows (scheme, host, a literal address) and
does not ask the DNS, which may be unreachable from the office's machine and may answer
differently at send time anyway. :func:`resolve_robot_address` is the check at send time.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
DEFAULT_PORTS = {"https": 443, "http": 80}


@dataclass(frozen=True)
class RobotTarget:
    """Where to post: the checked address, and the name for the Host header and TLS (SNI, certificate)."""

    scheme: str
    host: str
    port: int
    path: str  # the path with its query, as the request line carries it
    address: str  # the IP address to connect to


def allowed_hosts() -> set[str]:
    return {host.strip().lower().rstrip(".") for host in settings.ROBOT_ALLOWED_HOSTS if host.strip()}


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(net.strip(), strict=False) for net in settings.ROBOT_ALLOWED_NETWORKS if net.strip()]


def _parts(url: str) -> tuple[str, str, int, str]:
    """Scheme, host (lower case, no trailing dot), port and path of an address the rules allow."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError as exc:
        raise ValidationError(_("This is not a web address."), code="robot_address") from exc
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if scheme not in DEFAULT_PORTS or not host:
        raise ValidationError(_("A group robot's address starts with https:// and names its host."), code="robot_address")
    if scheme == "http" and not settings.ROBOT_ALLOW_HTTP:
        raise ValidationError(
            _("A group robot's address must use https://, not http://."), code="robot_address"
        )
    if parts.username is not None or parts.password is not None:
        raise ValidationError(_("A group robot's address may not carry a user name or password."), code="robot_address")
    hosts = allowed_hosts()
    if host not in hosts:
        raise ValidationError(
            _("Group robots may only be on %(hosts)s; %(host)s is not one of them.")
            % {"hosts": "、".join(sorted(hosts)) or "—", "host": host},
            code="robot_address",
        )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, host, port or DEFAULT_PORTS[scheme], path


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def check_ip(address: IPAddress, host: str) -> None:
    """Refuse an address that is not public, unless the operator allowed its network."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in network for network in allowed_networks()):
        return
    if (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    ):
        raise ValidationError(
            _("%(host)s leads to %(address)s, an address inside a private network; group robots must be on the internet.")
            % {"host": host, "address": address},
            code="robot_address",
        )


def check_robot_address(url: str) -> None:
    """Refuse (ValidationError, one clear message) an address the office may not save as a group robot.

    The scheme, the allowed hosts and a literal IP address are checked; the name is not resolved
    here (see the module's doc). An empty address (no robot) is fine.
    """
    if not url:
        return
    _scheme, host, _port, _path = _parts(url)
    if (literal := _literal(host)) is not None:
        check_ip(literal, host)


def resolve_robot_address(url: str) -> RobotTarget:
    """The address to post to, resolved once and checked (ValidationError when refused)."""
    scheme, host, port, path = _parts(url)
    if (literal := _literal(host)) is not None:
        check_ip(literal, host)
        return RobotTarget(scheme, host, port, path, str(literal))
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ValidationError(_("The name %(host)s could not be resolved.") % {"host": host}, code="robot_address") from exc
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if not addresses:
        raise ValidationError(_("The name %(host)s could not be resolved.") % {"host": host}, code="robot_address")
    for address in addresses:  # every one: a name that also leads inside is refused outright
        check_ip(address, host)
    return RobotTarget(scheme, host, port, path, str(addresses[0]))
