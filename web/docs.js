// Starts the vendored Swagger UI on /docs (a file of its own: the page's policy allows no inline script).
window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true});
