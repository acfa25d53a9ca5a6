package identity

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/web"
)

// listDependants godoc
//
//	@Summary		Your family members
//	@Description	The family members on the caller's account, oldest first. CNICs and B-forms are shown only to their own account.
//	@ID				listDependants
//	@Tags			identity
//	@Produce		json
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	DependantList
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/me/dependants [get]
func (h *Handler) listDependants(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.Dependants(c.Request().Context(), web.Principal(c), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, DependantList{Items: res.Items, NextCursor: res.NextCursor})
}

// addDependant godoc
//
//	@Summary		Add a family member
//	@Description	Adds a family member the caller may book, apply or act for: a child, spouse, parent or other relation with a date of birth and, where known, a B-form or CNIC. A B-form or CNIC makes the record a person: another parent may add the same child, and the child's limits (one appointment with a doctor a day, three open applications and one seat a year) are shared by every record of it. The same person twice in one account, or more than 20 family members, is 409; the caller's own CNIC is 422.
//	@ID				addDependant
//	@Tags			identity
//	@Accept			json
//	@Produce		json
//	@Param			body	body		DependantInput	true	"the family member"
//	@Success		201		{object}	Dependant
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		409		{object}	web.Problem	"the person is already in the family, or the family is full"
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/me/dependants [post]
func (h *Handler) addDependant(c echo.Context) error {
	var in DependantInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	d, err := h.svc.AddDependant(c.Request().Context(), web.Principal(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, d)
}

// getDependant godoc
//
//	@Summary		One of your family members
//	@Description	One family member on the caller's account; another account's is 404.
//	@ID				getDependant
//	@Tags			identity
//	@Produce		json
//	@Param			id	path		string	true	"dependant ID"	format(uuid)
//	@Success		200	{object}	Dependant
//	@Failure		400	{object}	web.Problem
//	@Failure		401	{object}	web.Problem
//	@Failure		404	{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/me/dependants/{id} [get]
func (h *Handler) getDependant(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	d, err := h.svc.Dependant(c.Request().Context(), web.Principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// updateDependant godoc
//
//	@Summary		Change a family member
//	@Description	Changes the fields given and keeps the others; a null or absent field is left as it is. A new B-form or CNIC joins the record to that person (409 when the family holds the person already; 422 for the caller's own CNIC).
//	@ID				updateDependant
//	@Tags			identity
//	@Accept			json
//	@Produce		json
//	@Param			id		path		string			true	"dependant ID"	format(uuid)
//	@Param			body	body		DependantChange	true	"fields to change"
//	@Success		200		{object}	Dependant
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		409		{object}	web.Problem	"the B-form or CNIC names a person already in the family"
//	@Failure		404		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/me/dependants/{id} [patch]
func (h *Handler) updateDependant(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var in DependantChange
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	d, err := h.svc.UpdateDependant(c.Request().Context(), web.Principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// deleteDependant godoc
//
//	@Summary		Remove a family member
//	@Description	Removes a family member from the caller's account. Their past appointments and applications stay on record.
//	@ID				deleteDependant
//	@Tags			identity
//	@Param			id	path	string	true	"dependant ID"	format(uuid)
//	@Success		204
//	@Failure		400	{object}	web.Problem
//	@Failure		401	{object}	web.Problem
//	@Failure		404	{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/me/dependants/{id} [delete]
func (h *Handler) deleteDependant(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.svc.RemoveDependant(c.Request().Context(), web.Principal(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
