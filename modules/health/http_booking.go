package health

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/web"
)

// AppointmentList is a page of appointments.
type AppointmentList struct {
	Items      []Appointment `json:"items"`
	NextCursor *string       `json:"next_cursor"`
} // @name AppointmentList

// book godoc
//
//	@Summary		Book an appointment
//	@Description	For the caller, or with dependant_id for one of the caller's dependants. Honours Idempotency-Key. A full or cancelled slot is 409; a slot that has started is 422; a second active appointment with the same practitioner on the same day is 409.
//	@ID				bookAppointment
//	@Tags			health
//	@Accept			json
//	@Produce		json
//	@Param			Idempotency-Key	header		string			false	"retry key (same key and body replay the first answer)"
//	@Param			body			body		BookingRequest	true	"the slot and patient"
//	@Success		201				{object}	Appointment
//	@Failure		400				{object}	web.Problem
//	@Failure		401				{object}	web.Problem
//	@Failure		403				{object}	web.Problem
//	@Failure		409				{object}	web.Problem
//	@Failure		422				{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/health/appointments [post]
func (h *Handler) book(c echo.Context) error {
	var in BookingRequest
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	a, err := h.svc.Book(c.Request().Context(), web.Principal(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, a)
}

// listAppointments godoc
//
//	@Summary		Your and your dependants' appointments
//	@Description	The caller's own and their dependants' appointments, soonest first, each with its slot and patient.
//	@ID				listAppointments
//	@Tags			health
//	@Produce		json
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	AppointmentList
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/health/appointments [get]
func (h *Handler) listAppointments(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.Appointments(c.Request().Context(), web.Principal(c), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, AppointmentList{Items: res.Items, NextCursor: res.NextCursor})
}

// getAppointment godoc
//
//	@Summary		One of your appointments
//	@Description	One appointment of the caller or a dependant, with its slot, patient and queue number. Another account's is 404.
//	@ID				getAppointment
//	@Tags			health
//	@Produce		json
//	@Param			id	path		string	true	"appointment ID"	format(uuid)
//	@Success		200	{object}	Appointment
//	@Failure		400	{object}	web.Problem
//	@Failure		401	{object}	web.Problem
//	@Failure		404	{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/health/appointments/{id} [get]
func (h *Handler) getAppointment(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	a, err := h.svc.Appointment(c.Request().Context(), web.Principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a)
}

// cancelAppointment godoc
//
//	@Summary		Cancel one of your appointments
//	@Description	Frees the seat. Refused (422) within the cut-off before the start (2 hours by default).
//	@ID				cancelAppointment
//	@Tags			health
//	@Produce		json
//	@Param			id	path		string	true	"appointment ID"	format(uuid)
//	@Success		200	{object}	Appointment
//	@Failure		400	{object}	web.Problem
//	@Failure		401	{object}	web.Problem
//	@Failure		404	{object}	web.Problem
//	@Failure		409	{object}	web.Problem
//	@Failure		422	{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/health/appointments/{id}/cancel [post]
func (h *Handler) cancelAppointment(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	a, err := h.svc.Cancel(c.Request().Context(), web.Principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a)
}

// rescheduleAppointment godoc
//
//	@Summary		Move one of your appointments to another slot
//	@Description	Atomic: the new seat is taken and the old one freed, or nothing changes (a full slot is 409).
//	@ID				rescheduleAppointment
//	@Tags			health
//	@Accept			json
//	@Produce		json
//	@Param			id		path		string				true	"appointment ID"	format(uuid)
//	@Param			body	body		RescheduleRequest	true	"the new slot"
//	@Success		200		{object}	Appointment
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		404		{object}	web.Problem
//	@Failure		409		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/health/appointments/{id}/reschedule [post]
func (h *Handler) rescheduleAppointment(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var in RescheduleRequest
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	a, err := h.svc.Reschedule(c.Request().Context(), web.Principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a)
}
