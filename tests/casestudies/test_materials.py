"""Images and documents of a case study: judged by their bytes, images held to a size and to
sensible dimensions (they are shown on the public page), added and removed only by whoever may edit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reformledger.casestudies import materials
from reformledger.casestudies.models import Material
from reformledger.casestudies.services import materials as services
from reformledger.core.models import AuditEntry
from tests.casestudies.helpers import pdf_upload, png, png_upload, reform_with_evidence, written_case

pytestmark = pytest.mark.django_db

JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    b"\xff\xc0\x00\x11\x08\x00\x20\x00\x40\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01\xff\xd9"
)


@pytest.fixture
def case(reform_factory, district, people):
    reform = reform_with_evidence(reform_factory, district, people)[0]
    return written_case(people.unit_staff, reform)


def test_header_dimensions():
    assert materials.png_size(png(width=640, height=480)[:32]) == (640, 480)
    assert materials.jpeg_size(JPEG) == (64, 32)
    assert materials.jpeg_size(b"\xff\xd8\xff\xe0\x00") is None
    assert not materials.sensible((100_000, 10)) and not materials.sensible(None) and materials.sensible((800, 600))


def test_images_and_documents_are_added_and_removed(case, people):
    image = services.add_material(user=people.unit_staff, case=case, upload=png_upload(width=320, height=200), caption="揭牌")
    assert (image.kind, image.width, image.height, image.is_image) == ("png", 320, 200, True)
    jpeg = services.add_material(user=people.unit_staff, case=case, upload=SimpleUploadedFile("a.jpg", JPEG))
    assert (jpeg.width, jpeg.height) == (64, 32)
    document = services.add_material(user=people.office, case=case, upload=pdf_upload())
    assert not document.is_image
    services.remove_material(user=people.unit_head, material=document)
    assert Material.objects.count() == 2
    assert AuditEntry.objects.filter(action="casestudy.material_add").count() == 3
    assert AuditEntry.objects.filter(action="casestudy.material_remove").count() == 1


@pytest.mark.parametrize("upload", [
    SimpleUploadedFile("photo.png", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>"),  # not an image at all
    SimpleUploadedFile("photo.jpg", png()),  # a PNG named .jpg
    SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),  # starts like a PNG, no header
    SimpleUploadedFile("huge.png", png(width=100_000, height=100_000)),  # a decompression bomb's header
    SimpleUploadedFile("page.html", b"<html><script>alert(1)</script></html>"),
])
def test_bad_files_are_refused_by_content(case, people, upload):
    with pytest.raises(ValidationError) as caught:
        services.add_material(user=people.unit_staff, case=case, upload=upload)
    assert set(caught.value.message_dict) == {"file"}
    assert not Material.objects.exists()


def test_an_image_over_the_size_limit_is_refused(case, people, monkeypatch):
    monkeypatch.setattr(materials, "IMAGE_MAX_BYTES", 50)
    with pytest.raises(ValidationError) as caught:
        services.add_material(user=people.unit_staff, case=case, upload=png_upload(width=50, height=50))
    assert "file" in caught.value.message_dict


def test_who_may_add(case, people, other_people, province_office):
    for user in (people.other_staff, people.committee, other_people.office, province_office):
        with pytest.raises(PermissionDenied):
            services.add_material(user=user, case=case, upload=png_upload())
    assert not Material.objects.exists()


def test_office_download_and_upload_pages(client_for, case, people):
    client = client_for(people.unit_staff)
    response = client.post(f"/office/case-studies/{case.pk}/materials/", {"file": png_upload(), "caption": "现场"})
    assert response.status_code == 302
    material = Material.objects.get()
    got = client.get(f"/office/case-studies/{case.pk}/materials/{material.pk}/")
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    assert client_for(people.other_staff).get(f"/office/case-studies/{case.pk}/materials/{material.pk}/").status_code == 404
    client.post(f"/office/case-studies/{case.pk}/materials/", {"file": SimpleUploadedFile("x.png", b"not a png")})
    assert Material.objects.count() == 1
