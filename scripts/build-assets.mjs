// Builds static/build/ from the npm packages: one CSS file, the GOV.UK
// Frontend and htmx scripts, and the fonts and images the CSS refers to.
// Runs offline once `npm ci` has fetched the packages.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const out = join(root, "static", "build");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const css = sass.compile(join(root, "assets", "scss", "frontdoor.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter(root)],
  // MOJ Frontend refers to GOV.UK Frontend by a node_modules/ path.
  loadPaths: [root],
  quietDeps: true,
  silenceDeprecations: ["import"],
  logger: {
    // MOJ Frontend 11 still calls GOV.UK Frontend 6's deprecated govuk-text-colour
    // mixin. GOV.UK Frontend would let us silence that through
    // $govuk-suppressed-warnings, but MOJ Frontend configures GOV.UK Frontend itself
    // and fixes that list as empty, so we cannot reach it. Those warnings are about
    // code in node_modules that we cannot change; any other warning is still shown.
    warn(message, { span, stack }) {
      if (message.includes("$govuk-suppressed-warnings")) return;
      const where = span ? `\n    ${span.url ?? ""} ${span.start.line + 1}:${span.start.column + 1}` : "";
      console.warn(`WARNING: ${message}${where}${stack ? `\n${stack}` : ""}`);
    },
  },
});
writeFileSync(join(out, "frontdoor.css"), css.css);

const govuk = join(modules, "govuk-frontend", "dist", "govuk");
cpSync(join(govuk, "assets"), join(out, "assets"), { recursive: true });
cpSync(
  join(modules, "@ministryofjustice", "frontend", "moj", "assets", "images"),
  join(out, "assets", "images"),
  { recursive: true },
);
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
cpSync(
  join(modules, "@ministryofjustice", "frontend", "moj", "moj-frontend.min.js"),
  join(out, "moj-frontend.min.js"),
);
cpSync(join(modules, "htmx.org", "dist", "htmx.min.js"), join(out, "htmx.min.js"));

console.log(`Built assets into ${out}`);
