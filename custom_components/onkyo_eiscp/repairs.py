"""Repair flows: disable the built-in integration's entry for a device we have too."""

from __future__ import annotations

import voluptuous as vol

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.config_entries import ConfigEntryDisabler
from homeassistant.core import HomeAssistant

from .takeover import ISSUE_ENTRY_ID, placeholders


class DisableBuiltinFlow(RepairsFlow):
    """Confirm, then disable the built-in integration's entry (see ``takeover.py``)."""

    def __init__(self, entry_id: str) -> None:
        """Fix the issue about the built-in entry ``entry_id``."""
        self._entry_id = entry_id

    async def async_step_init(self, user_input: dict[str, str] | None = None) -> RepairsFlowResult:
        """Start with the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Say what disabling does; on confirmation disable the entry.

        An entry already disabled or removed needs nothing more: the issue is fixed.
        """
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None or entry.disabled_by is not None:
            return self.async_create_entry(data={})
        if user_input is not None:
            await self.hass.config_entries.async_set_disabled_by(
                entry.entry_id, ConfigEntryDisabler.USER
            )
            return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema({}),
            description_placeholders=placeholders(entry),
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """The fix flow of one of our issues (only the built-in integration's is fixable)."""
    return DisableBuiltinFlow(str((data or {}).get(ISSUE_ENTRY_ID, "")))
