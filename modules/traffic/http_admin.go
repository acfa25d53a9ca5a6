package traffic

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// issueChallan godoc
//
//	@Summary		Issue a challan
//	@Description	For a traffic officer in their own sector, or a camera system's client. The plate's holder at occurred_at is notified. The same device_ref from the same issuer returns the first challan with 200, never a second, also when retries race.
//	@ID				issueChallan
//	@Tags			traffic administration
//	@Accept			json
//	@Produce		json
//	@Param			body	body		IssueRequest	true	"plate, offence, place, sector and time"
//	@Success		200		{object}	Challan	"the challan issued earlier with this device_ref"
//	@Success		201		{object}	Challan
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Security		OAuth2[traffic.challans:issue]
//	@Router			/api/v1/admin/traffic/challans [post]
func (h *Handler) issueChallan(c echo.Context) error {
	var in IssueRequest
	if err := web.Bind(c, &in); domain.KindOf(err) == domain.Invalid {
		// One answer names what the schedule, sectors and clock refuse too.
		var errs domain.FieldErrors
		errs.Add(err)
		errs.Add(h.svc.CheckIssue(c.Request().Context(), in))
		return errs.Err()
	} else if err != nil {
		return err
	}
	ch, created, err := h.svc.Issue(c.Request().Context(), web.Principal(c), in)
	if err != nil {
		return err
	}
	if !created {
		return c.JSON(http.StatusOK, ch)
	}
	return c.JSON(http.StatusCreated, ch)
}

// staffChallans godoc
//
//	@Summary		Challans, for traffic staff
//	@Description	Newest first. An officer reads their own sector's (another sector is 403); an admin every sector's or the one named. Status overdue selects issued challans past their due date; unpaid selects issued, overdue and contested ones. Each citizen concerned sees the read in their access log.
//	@ID				staffChallans
//	@Tags			traffic administration
//	@Produce		json
//	@Param			plate	query		string	false	"number plate, any common spelling"
//	@Param			status	query		string	false	"challan status"	Enums(issued, overdue, contested, paid, cancelled, unpaid)
//	@Param			sector	query		string	false	"sector code"
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	ChallanList
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/traffic/challans [get]
func (h *Handler) staffChallans(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	f := ChallanFilter{Status: c.QueryParam("status")}
	switch f.Status {
	case "", StatusIssued, StatusOverdue, StatusContested, StatusPaid, StatusCancelled, "unpaid":
	default:
		return domain.FieldMalformed("status", "validation.oneof", map[string]string{"values": "issued overdue contested paid cancelled unpaid"})
	}
	if plate := c.QueryParam("plate"); plate != "" {
		if f.Plate, err = domain.NormalizePlate("plate", plate); err != nil {
			return err
		}
	}
	res, err := h.svc.StaffChallans(c.Request().Context(), web.Principal(c), c.QueryParam("sector"), f, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ChallanList{Items: res.Items, NextCursor: res.NextCursor})
}

// decideChallan godoc
//
//	@Summary		Decide a contested challan
//	@Description	Upheld: the challan is payable again, due as many days after the decision as it was first given. Cancelled: nothing is owed. The citizen is notified. A challan not contested is 409.
//	@ID				decideChallan
//	@Tags			traffic administration
//	@Accept			json
//	@Produce		json
//	@Param			id		path		string			true	"challan ID"	format(uuid)
//	@Param			body	body		DecisionRequest	true	"decision and note"
//	@Success		200		{object}	Challan
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		404		{object}	web.Problem
//	@Failure		409		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/traffic/challans/{id}/decision [post]
func (h *Handler) decideChallan(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var in DecisionRequest
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	ch, err := h.svc.Decide(c.Request().Context(), web.Principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ch)
}

// createOffence godoc
//
//	@Summary		Add an offence to the schedule
//	@Description	Code: capital letters, digits and underscores. The late fine is owed in place of the fine after the due date and cannot be lower. A code in the schedule is 409.
//	@ID				createOffence
//	@Tags			traffic administration
//	@Accept			json
//	@Produce		json
//	@Param			body	body		OffenceInput	true	"the offence"
//	@Success		201		{object}	Offence
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		409		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/traffic/offences [post]
func (h *Handler) createOffence(c echo.Context) error {
	var in OffenceInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	o, err := h.svc.CreateOffence(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, o)
}

// updateOffence godoc
//
//	@Summary		Change an offence
//	@Description	New fines and days apply to challans issued from now on; issued challans keep theirs.
//	@ID				updateOffence
//	@Tags			traffic administration
//	@Accept			json
//	@Produce		json
//	@Param			code	path		string			true	"offence code"
//	@Param			body	body		OffenceChange	true	"fields to change"
//	@Success		200		{object}	Offence
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		404		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/traffic/offences/{code} [patch]
func (h *Handler) updateOffence(c echo.Context) error {
	var in OffenceChange
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	o, err := h.svc.UpdateOffence(c.Request().Context(), c.Param("code"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, o)
}
