package identity

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// Handler serves the identity module over HTTP.
type Handler struct {
	svc   *Service
	audit *audit.Log
}

// NewHandler returns a Handler for svc; auditLog serves GET /admin/audit.
func NewHandler(svc *Service, auditLog *audit.Log) *Handler {
	return &Handler{svc: svc, audit: auditLog}
}

// OTPCheck is a code sent by SMS.
type OTPCheck struct {
	Phone string `json:"phone" validate:"required" example:"+923001234567"`
	Code  string `json:"code" validate:"required,len=6,numeric" example:"123456"`
} // @name OTPCheck

// Check normalises the phone in place; the code's form is in its tags.
func (r *OTPCheck) Check() (err error) {
	r.Phone, err = NormalizePhone("phone", r.Phone)
	return err
}

// OTPRequest asks for a new code.
type OTPRequest struct {
	Phone string `json:"phone" validate:"required" example:"+923001234567"`
} // @name OTPRequest

// Check normalises the phone in place.
func (r *OTPRequest) Check() (err error) {
	r.Phone, err = NormalizePhone("phone", r.Phone)
	return err
}

// RefreshRequest carries a refresh token.
type RefreshRequest struct {
	RefreshToken string `json:"refresh_token" validate:"required,max=200"`
} // @name RefreshRequest

// Accepted says a request was taken.
type Accepted struct {
	Status string `json:"status" example:"accepted"`
} // @name Accepted

// DependantList is a page of dependants.
type DependantList struct {
	Items      []Dependant `json:"items"`
	NextCursor *string     `json:"next_cursor"`
} // @name DependantList

// AccountList is a page of accounts.
type AccountList struct {
	Items      []Account `json:"items"`
	NextCursor *string   `json:"next_cursor"`
} // @name AccountList

// RoleList is a page of role assignments.
type RoleList struct {
	Items      []AccountRole `json:"items"`
	NextCursor *string       `json:"next_cursor"`
} // @name RoleList

// AuditList is a page of audit entries.
type AuditList struct {
	Items      []audit.Entry `json:"items"`
	NextCursor *string       `json:"next_cursor"`
} // @name AuditList

// register godoc
//
//	@Summary		Register a citizen account
//	@Description	Opens an account pending verification and sends a 6-digit code by SMS to the phone. CNIC as 12345-1234567-1 or 13 digits; phone as +923XXXXXXXXX, 03XXXXXXXXX or 03XX-XXXXXXX. One client address may try 10 registrations an hour (by default); its codes count with its resends.
//	@ID				register
//	@Tags			identity
//	@Accept			json
//	@Produce		json
//	@Param			body	body		Registration	true	"the new account"
//	@Success		201		{object}	Account
//	@Failure		400		{object}	web.Problem
//	@Failure		409		{object}	web.Problem	"CNIC, phone or e-mail already registered"
//	@Failure		422		{object}	web.Problem
//	@Failure		429		{object}	web.Problem	"too many registrations or codes from this address; see Retry-After"
//	@Failure		503		{object}	web.Problem	"busy, or no more codes can be sent today; see Retry-After"
//	@Router			/api/v1/auth/register [post]
func (h *Handler) register(c echo.Context) error {
	var in Registration
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	acc, err := h.svc.Register(c.Request().Context(), in, c.RealIP())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, acc)
}

// verifyOTP godoc
//
//	@Summary		Verify the phone with the SMS code
//	@Description	Activates the account. A code is valid for 5 minutes and 5 tries.
//	@ID				verifyOtp
//	@Tags			identity
//	@Accept			json
//	@Produce		json
//	@Param			body	body		OTPCheck	true	"phone and code"
//	@Success		200		{object}	Account
//	@Failure		400		{object}	web.Problem
//	@Failure		422		{object}	web.Problem	"wrong, expired or exhausted code"
//	@Router			/api/v1/auth/otp/verify [post]
func (h *Handler) verifyOTP(c echo.Context) error {
	var in OTPCheck
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	acc, err := h.svc.VerifyOTP(c.Request().Context(), in.Phone, in.Code)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, acc)
}

// resendOTP godoc
//
//	@Summary		Send a new SMS code
//	@Description	Answers 202 whether or not an account awaits verification on this phone. At most one code a minute, five an hour and ten a day to a phone, and (by default) ten an hour and thirty a day asked for from one client address, registrations included.
//	@ID				resendOtp
//	@Tags			identity
//	@Accept			json
//	@Produce		json
//	@Param			body	body		OTPRequest	true	"the phone"
//	@Success		202		{object}	Accepted
//	@Failure		400		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Failure		429		{object}	web.Problem
//	@Failure		503		{object}	web.Problem	"no more codes can be sent today; see Retry-After"
//	@Router			/api/v1/auth/otp/resend [post]
func (h *Handler) resendOTP(c echo.Context) error {
	var in OTPRequest
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	if err := h.svc.ResendOTP(c.Request().Context(), in.Phone, c.RealIP()); err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, Accepted{Status: "accepted"})
}

// login godoc
//
//	@Summary		Sign in
//	@Description	Username is a CNIC, a mobile number or an e-mail address. Five failures in 15 minutes pause sign-in with the password alone for the client address, the username typed or the account. A paused address or username answers 429 with Retry-After; an account reached by another of its usernames answers as a wrong password does, so that no answer ties a username to another. While paused, the right password sends a 6-digit code to the account's phone, and the password with that code (`code`) signs in.
//	@ID				login
//	@Tags			identity
//	@Accept			json
//	@Produce		json
//	@Param			body	body		Credentials	true	"username and password"
//	@Success		200		{object}	TokenPair
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem	"wrong username or password"
//	@Failure		403		{object}	web.Problem	"account not verified or not active"
//	@Failure		429		{object}	web.Problem
//	@Failure		503		{object}	web.Problem
//	@Router			/api/v1/auth/login [post]
func (h *Handler) login(c echo.Context) error {
	var in Credentials
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	pair, err := h.svc.Login(c.Request().Context(), in, c.RealIP())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pair)
}

// refresh godoc
//
//	@Summary		Exchange a refresh token for a new pair
//	@Description	The refresh token is spent. Presenting a spent token again closes the whole session (all tokens descended from one sign-in).
//	@ID				refreshToken
//	@Tags			identity
//	@Accept			json
//	@Produce		json
//	@Param			body	body		RefreshRequest	true	"the refresh token"
//	@Success		200		{object}	TokenPair
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Router			/api/v1/auth/refresh [post]
func (h *Handler) refresh(c echo.Context) error {
	var in RefreshRequest
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	pair, err := h.svc.Refresh(c.Request().Context(), in.RefreshToken)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pair)
}

// logout godoc
//
//	@Summary		Sign out
//	@Description	Closes the session of the refresh token given.
//	@ID				logout
//	@Tags			identity
//	@Accept			json
//	@Param			body	body	RefreshRequest	true	"the session's refresh token"
//	@Success		204
//	@Failure		400	{object}	web.Problem
//	@Failure		401	{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/auth/logout [post]
func (h *Handler) logout(c echo.Context) error {
	var in RefreshRequest
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	if err := h.svc.Logout(c.Request().Context(), web.Principal(c), in.RefreshToken); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// me godoc
//
//	@Summary		Your profile
//	@Description	The caller's own account: name, contact details, status, language and roles. Never the password hash. Third-party client tokens get 403.
//	@ID				getMe
//	@Tags			identity
//	@Produce		json
//	@Success		200	{object}	Account
//	@Failure		401	{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/me [get]
func (h *Handler) me(c echo.Context) error {
	acc, err := h.svc.Account(c.Request().Context(), web.Principal(c).Subject)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, acc)
}

// updateMe godoc
//
//	@Summary		Change your profile
//	@Description	Only full_name, email and preferred_language; any other field is refused.
//	@ID				updateMe
//	@Tags			identity
//	@Accept			json
//	@Produce		json
//	@Param			body	body		ProfileChange	true	"fields to change"
//	@Success		200		{object}	Account
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		409		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/me [patch]
func (h *Handler) updateMe(c echo.Context) error {
	var in ProfileChange
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	acc, err := h.svc.UpdateProfile(c.Request().Context(), web.Principal(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, acc)
}

// changePassword godoc
//
//	@Summary		Change your password
//	@Description	Closes every session of the account. A wrong current password counts as a failed sign-in of the account and the client address: after 5 in 15 minutes the answer is 429 with Retry-After, and the account holder is notified.
//	@ID				changePassword
//	@Tags			identity
//	@Accept			json
//	@Param			body	body	PasswordChange	true	"current and new password"
//	@Success		204
//	@Failure		400	{object}	web.Problem
//	@Failure		401	{object}	web.Problem
//	@Failure		422	{object}	web.Problem
//	@Failure		429	{object}	web.Problem	"too many wrong passwords, or too many passwords from this address being checked at once"
//	@Failure		503	{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/me/password [post]
func (h *Handler) changePassword(c echo.Context) error {
	var in PasswordChange
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	if err := h.svc.ChangePassword(c.Request().Context(), web.Principal(c), in, c.RealIP()); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
