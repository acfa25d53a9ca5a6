package identity

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// createStaff godoc
//
//	@Summary		Create a staff account
//	@Description	Unit-scoped roles (health_staff, education_staff) need the unit_id of their facility or school; the role must belong to the department.
//	@ID				createStaff
//	@Tags			administration
//	@Accept			json
//	@Produce		json
//	@Param			body	body		NewStaff	true	"the staff account"
//	@Success		201		{object}	Account
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		409		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/staff [post]
func (h *Handler) createStaff(c echo.Context) error {
	var in NewStaff
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	acc, err := h.svc.CreateStaff(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, acc)
}

// listStaff godoc
//
//	@Summary		List staff accounts
//	@Description	Every staff account, oldest first, with its roles. Platform admins only.
//	@ID				listStaff
//	@Tags			administration
//	@Produce		json
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	AccountList
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/staff [get]
func (h *Handler) listStaff(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.StaffList(c.Request().Context(), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, AccountList{Items: res.Items, NextCursor: res.NextCursor})
}

// updateStaff godoc
//
//	@Summary		Change or deactivate a staff account
//	@Description	{"active": false} deactivates the account: its next request is refused and its sessions close.
//	@ID				updateStaff
//	@Tags			administration
//	@Accept			json
//	@Produce		json
//	@Param			id		path		string		true	"account ID"	format(uuid)
//	@Param			body	body		StaffChange	true	"fields to change"
//	@Success		200		{object}	Account
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		404		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/staff/{id} [patch]
func (h *Handler) updateStaff(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var in StaffChange
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	acc, err := h.svc.UpdateStaff(c.Request().Context(), web.Principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, acc)
}

// setRoles godoc
//
//	@Summary		Replace a staff account's roles
//	@Description	Applies from the account's next request.
//	@ID				setStaffRoles
//	@Tags			administration
//	@Accept			json
//	@Produce		json
//	@Param			id		path		string		true	"account ID"	format(uuid)
//	@Param			body	body		RolesChange	true	"the new role assignments"
//	@Success		200		{object}	Account
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		404		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/staff/{id}/roles [put]
func (h *Handler) setRoles(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var in RolesChange
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	acc, err := h.svc.SetRoles(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, acc)
}

// listRoles godoc
//
//	@Summary		List role assignments
//	@Description	Every staff role assignment (account, role, department and unit): what Casbin decides with. Platform admins only.
//	@ID				listRoles
//	@Tags			administration
//	@Produce		json
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	RoleList
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/roles [get]
func (h *Handler) listRoles(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.RoleAssignments(c.Request().Context(), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, RoleList{Items: res.Items, NextCursor: res.NextCursor})
}

// listAudit godoc
//
//	@Summary		Read the audit log
//	@Description	Newest first. Filter by actor, target, the citizen whose data was touched, and time.
//	@ID				listAudit
//	@Tags			administration
//	@Produce		json
//	@Param			actor_id	query		string	false	"account or client that acted"
//	@Param			target_type	query		string	false	"e.g. account"
//	@Param			target_id	query		string	false	"ID of the target"
//	@Param			subject_id	query		string	false	"citizen whose data was touched"	format(uuid)
//	@Param			from		query		string	false	"earliest time (RFC 3339)"			format(date-time)
//	@Param			to			query		string	false	"latest time, exclusive (RFC 3339)"	format(date-time)
//	@Param			limit		query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor		query		string	false	"next_cursor of the previous page"
//	@Success		200			{object}	AuditList
//	@Failure		400			{object}	web.Problem
//	@Failure		401			{object}	web.Problem
//	@Failure		403			{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/audit [get]
func (h *Handler) listAudit(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	f := audit.Filter{ActorID: c.QueryParam("actor_id"), TargetType: c.QueryParam("target_type"), TargetID: c.QueryParam("target_id")}
	if f.SubjectID, err = web.QueryID(c, "subject_id"); err != nil {
		return err
	}
	if f.From, _, err = web.QueryTime(c, "from"); err != nil {
		return err
	}
	if f.To, _, err = web.QueryTime(c, "to"); err != nil {
		return err
	}
	res, err := h.audit.List(c.Request().Context(), f, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, AuditList{Items: res.Items, NextCursor: res.NextCursor})
}
