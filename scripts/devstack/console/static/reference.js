// Starts Swagger UI on the page's embedded document (#openapi) with the page's settings
// (#reference-config): the console's live reference, or the static page the deploy publishes.
//
// Live ("interactive": true): "Try it out" calls go to the console's same-origin /gateway/
// proxy (the API answers no CORS, as API Gateway does not), while the request URL and curl
// line shown stay the gateway's own. The sign-in box gets a token from POST /v1/auth/login
// and authorises every call with it.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("reference-config").textContent);
  var spec = JSON.parse(document.getElementById("openapi").textContent);
  var gateway = config.gatewayUrl ? config.gatewayUrl.replace(/\/+$/, "") : null;

  function throughProxy(url) {
    if (gateway && config.proxy && url.indexOf(gateway + "/") === 0) {
      return window.location.origin + config.proxy + url.slice(gateway.length);
    }
    return url;
  }

  var ui = window.SwaggerUIBundle({
    spec: spec,
    dom_id: "#swagger-ui",
    deepLinking: true,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    displayOperationId: true,
    displayRequestDuration: true,
    filter: true,
    // Without the gateway (the static page) there is nothing a browser may call: no Try it.
    supportedSubmitMethods: config.interactive ? ["get", "put", "post", "delete", "patch"] : [],
    showMutatedRequest: false, // the curl line names the gateway, not the proxy
    requestInterceptor: function (request) {
      request.url = throughProxy(request.url);
      return request;
    },
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
  window.referenceUI = ui;

  var form = document.getElementById("sign-in");
  if (!form) {
    return;
  }
  var status = document.getElementById("sign-in-status");
  var signOut = document.getElementById("sign-out");

  function say(text, ok) {
    status.textContent = text;
    status.className = ok ? "ok" : "error";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var email = form.elements.email.value;
    var body = JSON.stringify({ email: email, password: form.elements.password.value });
    say("signing in…", true);
    fetch(throughProxy(gateway + "/v1/auth/login"), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: body,
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          return { status: response.status, answer: answer };
        });
      })
      .then(function (result) {
        if (result.status !== 200) {
          var error = (result.answer && result.answer.error) || {};
          say("sign-in failed (" + result.status + "): " + (error.message || "no answer"), false);
          return;
        }
        ui.preauthorizeApiKey("bearer", "Bearer " + result.answer.accessToken);
        say(
          "signed in as " + result.answer.user.email + " (" + result.answer.user.id + "); " +
            "calls are authorised for " + Math.round(result.answer.expiresIn / 60) + " minutes",
          true
        );
        signOut.hidden = false;
      })
      .catch(function (error) {
        say("sign-in failed: " + error, false);
      });
  });

  signOut.addEventListener("click", function () {
    ui.authActions.logout(["bearer"]);
    signOut.hidden = true;
    say("signed out", true);
  });
})();
