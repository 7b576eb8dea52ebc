// Calls the sample service's API: register, log in (OAuth2 password form),
// show the current user and list users. The token lives in sessionStorage.
// Every request goes to the origin that served this page (paths, never URLs), and
// the page's Content-Security-Policy (connect-src 'self') holds it to that.
"use strict";
const TOKEN_KEY = "sample-service-token";

const $ = (id) => document.getElementById(id);

function show(status, body) {
  $("output").textContent = `${status}\n${JSON.stringify(body, null, 2)}`;
}

async function call(path, { method = "GET", json, form } = {}) {
  const headers = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = new URLSearchParams(form);
  }
  const response = await fetch(path, { method, headers, body });
  const data = response.status === 204 ? null : await response.json();
  show(`${response.status} ${method} ${path} (request ${response.headers.get("X-Request-ID")})`, data);
  return { ok: response.ok, status: response.status, data };
}

async function refreshWhoami() {
  if (!sessionStorage.getItem(TOKEN_KEY)) {
    $("whoami").textContent = "nobody";
    return;
  }
  const me = await call("/api/v1/users/me");
  if (me.ok) {
    $("whoami").textContent = `${me.data.name} <${me.data.email}>`;
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
    $("whoami").textContent = "nobody";
  }
}

async function listUsers() {
  const result = await call("/api/v1/users?skip=0&limit=100");
  const rows = $("users");
  rows.replaceChildren();
  if (!result.ok) return;
  for (const user of result.data) {
    const row = document.createElement("tr");
    for (const value of [user.id, user.name, user.created_at]) {
      const cell = document.createElement("td");
      cell.textContent = value; // never innerHTML: names are user input
      row.append(cell);
    }
    rows.append(row);
  }
}

$("register").addEventListener("submit", async (event) => {
  event.preventDefault();
  const fields = Object.fromEntries(new FormData(event.target));
  await call("/api/v1/auth/register", { method: "POST", json: fields });
});

$("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const result = await call("/api/v1/auth/login", { method: "POST", form: new FormData(event.target) });
  if (result.ok) sessionStorage.setItem(TOKEN_KEY, result.data.access_token);
  await refreshWhoami();
});

$("logout").addEventListener("click", async () => {
  sessionStorage.removeItem(TOKEN_KEY);
  await refreshWhoami();
});

$("refresh").addEventListener("click", listUsers);

refreshWhoami();
