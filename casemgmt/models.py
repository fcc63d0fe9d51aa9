from django.contrib.auth.models import AbstractUser
from django.db import models


class Region(models.Model):
    """A local workforce area; policy settings are kept per region."""

    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Office(models.Model):
    """An American Job Center; every customer belongs to exactly one."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="offices")
    name = models.CharField(max_length=120, unique=True)
    code = models.CharField(max_length=12, unique=True)
    time_zone = models.CharField(max_length=64, default="America/Chicago")
    address = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["name"]
        permissions = [("view_all_offices", "Sees the customers of every office")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A staff member. Roles are groups (see casemgmt.roles); offices are memberships."""

    offices = models.ManyToManyField(Office, related_name="staff", blank=True)
    supervised_offices = models.ManyToManyField(Office, related_name="supervisors", blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username
