package education

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/web"
)

// ApplicationList is a page of applications.
type ApplicationList struct {
	Items      []Application `json:"items"`
	NextCursor *string       `json:"next_cursor"`
} // @name ApplicationList

// WindowList is a page of admission windows.
type WindowList struct {
	Items      []AdmissionWindow `json:"items"`
	NextCursor *string           `json:"next_cursor"`
} // @name WindowList

// apply godoc
//
//	@Summary		Apply for a school seat for your child
//	@Description	child_id is one of your dependants with relation child. home_sector (optional) is the family's sector, such as G-9/4 or F-7, or an area's name; an application from the school's own sector comes before others in a lottery for an oversubscribed grade, after those with a brother or sister already holding a seat at the school. Outside the admission window, an age outside the grade's range on the cut-off date, a grade without seats, or a home_sector not written like a sector: 422. A second application to the same school and year, or a fourth open one for the child that year: 409. Honours Idempotency-Key.
//	@ID				applyToSchool
//	@Tags			education
//	@Accept			json
//	@Produce		json
//	@Param			Idempotency-Key	header		string				false	"retry key (same key and body replay the first answer)"
//	@Param			body			body		ApplicationRequest	true	"school, year, grade and child"
//	@Success		201				{object}	Application
//	@Failure		400				{object}	web.Problem
//	@Failure		401				{object}	web.Problem
//	@Failure		403				{object}	web.Problem
//	@Failure		409				{object}	web.Problem
//	@Failure		422				{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/education/applications [post]
func (h *Handler) apply(c echo.Context) error {
	var in ApplicationRequest
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	a, err := h.svc.Apply(c.Request().Context(), web.Principal(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, a)
}

// listApplications godoc
//
//	@Summary		Your applications
//	@Description	The caller's school applications for their children, newest first.
//	@ID				listApplications
//	@Tags			education
//	@Produce		json
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	ApplicationList
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/education/applications [get]
func (h *Handler) listApplications(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.Applications(c.Request().Context(), web.Principal(c), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ApplicationList{Items: res.Items, NextCursor: res.NextCursor})
}

// getApplication godoc
//
//	@Summary		One of your applications, with its history
//	@Description	One of the caller's applications with its history of status changes (who, when, note), and the lottery it is in (lottery.id; once drawn, its rank and outcome; the whole ranking is public at GET /api/v1/education/lotteries/{id}). Another account's is 404.
//	@ID				getApplication
//	@Tags			education
//	@Produce		json
//	@Param			id	path		string	true	"application ID"	format(uuid)
//	@Success		200	{object}	Application
//	@Failure		400	{object}	web.Problem
//	@Failure		401	{object}	web.Problem
//	@Failure		404	{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/education/applications/{id} [get]
func (h *Handler) getApplication(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	a, err := h.svc.Application(c.Request().Context(), web.Principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a)
}

// withdraw godoc
//
//	@Summary		Withdraw one of your applications
//	@Description	An accepted (or offered) seat is offered at once to the earliest waitlisted applicant for that school, grade and year, who has 72 hours to accept it with POST /me/offers/{id}/accept. Withdrawing a waitlisted application takes it out of the line.
//	@ID				withdrawApplication
//	@Tags			education
//	@Produce		json
//	@Param			id	path		string	true	"application ID"	format(uuid)
//	@Success		200	{object}	Application
//	@Failure		400	{object}	web.Problem
//	@Failure		401	{object}	web.Problem
//	@Failure		404	{object}	web.Problem
//	@Failure		409	{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/education/applications/{id}/withdraw [post]
func (h *Handler) withdraw(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	a, err := h.svc.Withdraw(c.Request().Context(), web.Principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a)
}
