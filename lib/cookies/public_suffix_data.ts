/**
 * The built-in compact public-suffix data: the multi-label suffixes under which
 * unrelated parties register names, written in the rule syntax of the Public
 * Suffix List (`co.uk`, `*.ck`, `!www.ck`).
 *
 * Every single label (`com`, `org`, `uk`, `local`) is a public suffix anyway,
 * by the list's default rule `*`, so no top-level domain is listed here. This
 * short list covers the second-level registries and hosting platforms that
 * scrapers meet most; it is not the full list. For exact behaviour, download
 * `public_suffix_list.dat` and load it with `loadPublicSuffixList()`.
 *
 * @example
 * ```ts
 * import { builtinPublicSuffixes } from "./public_suffix_data.ts";
 * console.log(builtinPublicSuffixes.includes("co.uk")); // true
 * ```
 * @module
 */

/**
 * Public-suffix rules (Public Suffix List syntax) beyond the single-label
 * default rule, grouped by country or platform (each string holds a
 * space-separated group).
 *
 * @example
 * ```ts
 * import { PublicSuffixList } from "./public_suffix.ts";
 * import { builtinPublicSuffixes } from "./public_suffix_data.ts";
 * const list = new PublicSuffixList(builtinPublicSuffixes);
 * console.log(list.isPublicSuffix("github.io")); // true
 * ```
 */
export const builtinPublicSuffixes: readonly string[] = [
  // Argentina, Australia, Austria, Belgium, Brazil
  "com.ar gob.ar gov.ar net.ar org.ar",
  "asn.au com.au edu.au gov.au id.au net.au org.au",
  "ac.at co.at gv.at or.at",
  "ac.be",
  "art.br com.br edu.br gov.br net.br org.br",
  // Canada, China, Colombia, Cook Islands (wildcard with an exception)
  "ab.ca bc.ca gc.ca on.ca qc.ca",
  "ac.cn com.cn edu.cn gov.cn net.cn org.cn",
  "com.co edu.co gov.co net.co org.co",
  "*.ck !www.ck",
  // Egypt, France, Greece, Hong Kong
  "com.eg edu.eg gov.eg",
  "asso.fr com.fr gouv.fr",
  "com.gr edu.gr gov.gr",
  "com.hk edu.hk gov.hk net.hk org.hk",
  // India, Indonesia, Israel, Italy (regions omitted)
  "ac.in co.in edu.in firm.in gen.in gov.in ind.in net.in nic.in org.in res.in",
  "ac.id co.id go.id or.id web.id",
  "ac.il co.il gov.il org.il",
  "gov.it",
  // Japan (prefecture and city rules omitted), Kenya, Korea, Malaysia, Mexico
  "ac.jp ad.jp co.jp ed.jp go.jp gr.jp lg.jp ne.jp or.jp",
  "ac.ke co.ke go.ke or.ke",
  "ac.kr co.kr go.kr ne.kr or.kr re.kr",
  "com.my edu.my gov.my net.my org.my",
  "com.mx edu.mx gob.mx net.mx org.mx",
  // New Zealand, Nigeria, Pakistan, Peru, Philippines, Poland, Portugal
  "ac.nz co.nz geek.nz govt.nz net.nz org.nz school.nz",
  "com.ng edu.ng gov.ng org.ng",
  "com.pk edu.pk gov.pk net.pk org.pk",
  "com.pe edu.pe gob.pe org.pe",
  "com.ph edu.ph gov.ph net.ph org.ph",
  "com.pl edu.pl gov.pl net.pl org.pl",
  "com.pt edu.pt gov.pt org.pt",
  // Saudi Arabia, Singapore, South Africa, Spain, Taiwan, Thailand, Turkey
  "com.sa edu.sa gov.sa net.sa org.sa",
  "com.sg edu.sg gov.sg net.sg org.sg",
  "ac.za co.za gov.za net.za org.za web.za",
  "com.es edu.es gob.es nom.es org.es",
  "com.tw edu.tw gov.tw net.tw org.tw",
  "ac.th co.th go.th in.th or.th",
  "com.tr edu.tr gen.tr gov.tr net.tr org.tr",
  // Ukraine, United Kingdom, United States, Uruguay, Venezuela, Vietnam
  "com.ua gov.ua net.ua org.ua",
  "ac.uk co.uk gov.uk ltd.uk me.uk net.uk nhs.uk org.uk plc.uk police.uk",
  "fed.us isa.us nsn.us",
  "com.uy edu.uy gub.uy net.uy org.uy",
  "co.ve com.ve gob.ve net.ve org.ve",
  "com.vn edu.vn gov.vn net.vn org.vn",
  // Hosting platforms where each customer gets a subdomain (the list's private section)
  "appspot.com azurewebsites.net blogspot.com cloudapp.net cloudfront.net",
  "elasticbeanstalk.com firebaseapp.com fly.dev github.io gitlab.io",
  "glitch.me herokuapp.com netlify.app now.sh onrender.com pages.dev readthedocs.io",
  "repl.co s3.amazonaws.com vercel.app web.app workers.dev",
].join(" ").split(" ");
