package health

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/web"
)

// createFacility godoc
//
//	@Summary		Add a hospital or clinic
//	@Description	A new hospital, clinic, basic health unit or laboratory with its sector, address, map location and specialties.
//	@ID				createFacility
//	@Tags			health administration
//	@Accept			json
//	@Produce		json
//	@Param			body	body		FacilityInput	true	"the facility"
//	@Success		201		{object}	Facility
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/health/facilities [post]
func (h *Handler) createFacility(c echo.Context) error {
	var in FacilityInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	f, err := h.svc.CreateFacility(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, f)
}

// updateFacility godoc
//
//	@Summary		Change a hospital or clinic
//	@Description	Changes the fields given and keeps the others; a null or absent field is left as it is. Specialties given replace the list.
//	@ID				updateFacility
//	@Tags			health administration
//	@Accept			json
//	@Produce		json
//	@Param			id		path		string			true	"facility ID"	format(uuid)
//	@Param			body	body		FacilityChange	true	"fields to change; specialties replace the list"
//	@Success		200		{object}	Facility
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		404		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/health/facilities/{id} [patch]
func (h *Handler) updateFacility(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var in FacilityChange
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	f, err := h.svc.UpdateFacility(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, f)
}

// createPractitioner godoc
//
//	@Summary		Add a doctor to a facility
//	@Description	A doctor at a facility, with specialty and PMDC registration number (unique).
//	@ID				createPractitioner
//	@Tags			health administration
//	@Accept			json
//	@Produce		json
//	@Param			body	body		PractitionerInput	true	"the doctor"
//	@Success		201		{object}	Practitioner
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		409		{object}	web.Problem	"PMDC number already registered"
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/health/practitioners [post]
func (h *Handler) createPractitioner(c echo.Context) error {
	var in PractitionerInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	p, err := h.svc.CreatePractitioner(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, p)
}

// createSchedule godoc
//
//	@Summary		Generate slots from a schedule
//	@Description	Slots are cut in Asia/Karachi local time and stored in UTC; only future slots are made. Running the same schedule twice creates no duplicates. Health staff may schedule only their own facility's doctors.
//	@ID				createSchedule
//	@Tags			health administration
//	@Accept			json
//	@Produce		json
//	@Param			body	body		ScheduleInput	true	"the schedule"
//	@Success		201		{object}	ScheduleResult
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/health/schedules [post]
func (h *Handler) createSchedule(c echo.Context) error {
	var in ScheduleInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	res, err := h.svc.AddSchedule(c.Request().Context(), web.Principal(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, res)
}

// dayList godoc
//
//	@Summary		A facility's appointments on one day
//	@Description	For the facility's staff: each appointment with its patient and the reason for the visit, which are health data. Health staff see their own facility (the default); health admins name one. Ordered by start and queue number. Third-party clients read their facility's day as times and IDs with listIntegrationAppointments, never here.
//	@ID				listFacilityAppointments
//	@Tags			health administration
//	@Produce		json
//	@Param			facility_id	query		string	false	"facility ID (default: your own)"			format(uuid)
//	@Param			date		query		string	false	"local date YYYY-MM-DD (default: today)"	format(date)
//	@Param			limit		query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor		query		string	false	"next_cursor of the previous page"
//	@Success		200			{object}	AppointmentList
//	@Failure		400			{object}	web.Problem
//	@Failure		401			{object}	web.Problem
//	@Failure		403			{object}	web.Problem
//	@Failure		422			{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/health/appointments [get]
func (h *Handler) dayList(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	facilityID, err := web.QueryID(c, "facility_id")
	if err != nil {
		return err
	}
	res, err := h.svc.DayList(c.Request().Context(), web.Principal(c), facilityID, c.QueryParam("date"), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, AppointmentList{Items: res.Items, NextCursor: res.NextCursor})
}

// setStatus godoc
//
//	@Summary		Move an appointment forward
//	@Description	booked → checked_in → completed, or booked → no_show once the slot has started. Only the facility's staff.
//	@ID				setAppointmentStatus
//	@Tags			health administration
//	@Accept			json
//	@Produce		json
//	@Param			id		path		string			true	"appointment ID"	format(uuid)
//	@Param			body	body		StatusChange	true	"the new status"
//	@Success		200		{object}	Appointment
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		404		{object}	web.Problem
//	@Failure		409		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/health/appointments/{id}/status [post]
func (h *Handler) setStatus(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var in StatusChange
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	a, err := h.svc.SetStatus(c.Request().Context(), web.Principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a)
}

// cancelSlot godoc
//
//	@Summary		Cancel a slot
//	@Description	Its booked appointments become cancelled_by_facility and each patient is notified.
//	@ID				cancelSlot
//	@Tags			health administration
//	@Accept			json
//	@Produce		json
//	@Param			id		path		string			true	"slot ID"	format(uuid)
//	@Param			body	body		Cancellation	true	"the reason"
//	@Success		200		{object}	CancellationResult
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		404		{object}	web.Problem
//	@Failure		409		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/health/slots/{id}/cancel [post]
func (h *Handler) cancelSlot(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var in Cancellation
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	res, err := h.svc.CancelSlot(c.Request().Context(), web.Principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// cancelSession godoc
//
//	@Summary		Cancel a doctor's whole day
//	@Description	Every open slot of the practitioner on the local date is cancelled as by cancelSlot.
//	@ID				cancelSession
//	@Tags			health administration
//	@Accept			json
//	@Produce		json
//	@Param			body	body		SessionCancellation	true	"practitioner, date and reason"
//	@Success		200		{object}	CancellationResult
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/health/sessions/cancel [post]
func (h *Handler) cancelSession(c echo.Context) error {
	var in SessionCancellation
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	res, err := h.svc.CancelSession(c.Request().Context(), web.Principal(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}
