package education

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/web"
)

// LotteryList is a page of lotteries, for staff.
type LotteryList struct {
	Items      []Lottery `json:"items"`
	NextCursor *string   `json:"next_cursor"`
} // @name LotteryList

// commitLottery godoc
//
//	@Summary		Commit a lottery for an oversubscribed grade
//	@Description	Education admins. commitment is the SHA-256 (64 hex digits, stored in lower case) of a secret seed chosen beforehand and kept until the draw; use a long random seed (such as 32 random bytes in hex), since a short one can be guessed from the commitment. The grade's applications that are submitted or under review now become the lottery's eligible list, frozen with their priority groups (0: a sibling, another child of the same account, holds a seat at or is enrolled in the school in any year; 1: the application's home_sector is the school's sector, compared without case; 2: the others), and are published by ID at GET /api/v1/education/lotteries/{id}. Until the draw, staff cannot decide the grade's submitted or under-review applications (409); families may still withdraw (skipped at the draw), and applications made later are not in the lottery. A malformed commitment or academic year, an unknown school, a grade without seats that year, or a grade that is not oversubscribed (no more eligible applications than free seats): 422 naming the field. A second lottery for the grade: 409.
//	@ID				commitLottery
//	@Tags			education administration
//	@Accept			json
//	@Produce		json
//	@Param			body	body		LotteryInput	true	"the grade and the seed's commitment"
//	@Success		201		{object}	Lottery
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		409		{object}	web.Problem	"the grade has a lottery already"
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/education/lotteries [post]
func (h *Handler) commitLottery(c echo.Context) error {
	var in LotteryInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	l, err := h.svc.CommitLottery(c.Request().Context(), web.Principal(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, l)
}

// drawLottery godoc
//
//	@Summary		Draw a lottery
//	@Description	Education admins reveal the seed; its SHA-256 must equal the commitment (else 422 naming seed, and nothing changes). The ranking follows the lottery's rule (algorithm priority-group-then-hmac-sha256/v1, spelled out in its rule field). In one transaction, in rank order, each application still open takes one of the grade's free seats while they last (accepted; a child who holds a seat at another school is offered it instead, held 72 hours by default, to accept with POST /api/v1/me/offers/{id}/accept), the others are waitlisted in rank order and offered seats that free up later in that order, and one withdrawn meanwhile is skipped. Each family is notified, the draw is audited and integrators hear lottery.drawn. A lottery drawn already: 409.
//	@ID				drawLottery
//	@Tags			education administration
//	@Accept			json
//	@Produce		json
//	@Param			id		path		string		true	"lottery ID"	format(uuid)
//	@Param			body	body		DrawInput	true	"the seed"
//	@Success		200		{object}	Lottery
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		404		{object}	web.Problem
//	@Failure		409		{object}	web.Problem	"drawn already"
//	@Failure		422		{object}	web.Problem	"the seed does not hash to the commitment"
//	@Security		BearerAuth
//	@Router			/api/v1/admin/education/lotteries/{id}/draw [post]
func (h *Handler) drawLottery(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var in DrawInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	l, err := h.svc.DrawLottery(c.Request().Context(), web.Principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, l)
}

// listLotteries godoc
//
//	@Summary		List lotteries
//	@Description	Education admins: every lottery, or one school's, newest commitment first, each as GET /api/v1/education/lotteries/{id} shows it.
//	@ID				listLotteries
//	@Tags			education administration
//	@Produce		json
//	@Param			school_id	query		string	false	"only this school's"	format(uuid)
//	@Param			limit		query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor		query		string	false	"next_cursor of the previous page"
//	@Success		200			{object}	LotteryList
//	@Failure		400			{object}	web.Problem
//	@Failure		401			{object}	web.Problem
//	@Failure		403			{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/education/lotteries [get]
func (h *Handler) listLotteries(c echo.Context) error {
	schoolID, err := web.QueryID(c, "school_id")
	if err != nil {
		return err
	}
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.Lotteries(c.Request().Context(), schoolID, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, LotteryList{Items: res.Items, NextCursor: res.NextCursor})
}

// getLottery godoc
//
//	@Summary		A lottery, to check it
//	@Description	Public. The commitment published before the draw, the eligible applications by ID with their priority groups (no names), the algorithm and its rule in words, and once drawn the seed, the free seats it offered (seats_offered) and the ranking with each application's outcome: enough to recompute the ranking (citizenapi lottery verify does). A family finds its own application's rank on the application.
//	@ID				getLottery
//	@Tags			education
//	@Produce		json
//	@Param			id	path		string	true	"lottery ID"	format(uuid)
//	@Success		200	{object}	Lottery
//	@Failure		400	{object}	web.Problem
//	@Failure		404	{object}	web.Problem
//	@Router			/api/v1/education/lotteries/{id} [get]
func (h *Handler) getLottery(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	l, err := h.svc.Lottery(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, l)
}
