// Per-site selector data. Every list is newest first: the adapters take the first selector that
// matches and fall back to older ones, so a layout rolled out in stages (two layouts live at once)
// still reads. Facts and breakage history: ../shared/research/platforms.md (not shipped).
// Data only: no code here, so a layout change is a one-line edit.
(() => {
  const CTS = (globalThis.CTS ??= {});

  CTS.selectors = Object.freeze({
    tiktok: {
      // One feed item (For You, Following, the 2025 video page). Virtualised: empty placeholders
      // until scrolled into view, then filled and recycled.
      item: [
        'article[data-e2e="recommend-list-item-container"]',
        '[data-e2e="recommend-list-item-container"]',
        'div[class*="DivItemContainerV2"]',
        'div[class*="DivItemContainerForSearch"]',
      ],
      // The creator's own words. Newest first: desc-span-* inside video-desc (2025).
      caption: [
        'div[data-e2e="video-desc"]',
        '[data-e2e="browse-video-desc"]',
        'span[data-e2e="new-desc-span"]',
        '[data-e2e="search-card-video-caption"]',
        '[data-e2e="search-card-desc"]',
      ],
      // Never the creator's words: TikTok's AI summary ("v2t") and its disclaimer container.
      notCaption: ['[data-e2e^="v2t-"]'],
      // Where the badge goes, looked up from the caption outwards (after this element); when
      // none matches, right after the caption itself.
      badgeAfter: ['[class*="DivMultilineTextContainer"]'],
      // The video id: the player wrapper's id ends in it; otherwise a /video/<id> link.
      videoIdNode: ['div[id^="xgwrapper-"]'],
      videoIdFromId: '^xgwrapper-\\d+-(\\d{6,})$',
      videoLink: ['a[href*="/video/"]'],
      videoIdFromHref: '/video/(\\d{6,})',
      // Author handle (link to /@handle). Caption links (mentions) are excluded by `mention`.
      author: [
        '[class*="DivCreatorInfoContainer"] a[href^="/@"]',
        'a[data-e2e="video-author-avatar"]',
        '[data-e2e="video-author-uniqueid"]',
        '[data-e2e="browse-username"]',
        '[data-e2e="search-card-user-unique-id"]',
        'a[href^="/@"]',
      ],
      authorName: ['[data-e2e="video-author-nickname"]', '[data-e2e="browse-user-nickname"]'],
      mention: 'a[data-e2e="search-common-link"]',
      handleFromHref: '^/@([A-Za-z0-9._]{2,24})(?:[/?]|$)',
      // The platform's own paid-partnership label.
      sponsored: ['[data-e2e="sponsored-tag"]', '[data-e2e="ad-tag"]'],
      // Profile page: handle, display name, bio. Older builds swap h1/h2: map by data-e2e.
      profile: {
        root: ['[data-e2e="user-page"]', 'main'],
        handle: ['[data-e2e="user-title"]'],
        name: ['[data-e2e="user-subtitle"]'],
        bio: ['[data-e2e="user-bio"]'],
      },
      // Embedded first-load state: the first video or the profile.
      state: 'script#__UNIVERSAL_DATA_FOR_REHYDRATION__',
      // Pages where posts or a profile are expected (the self-check only speaks there).
      postPages: ['^/$', '^/foryou', '^/following', '^/explore', '^/@[^/]+/?$', '^/@[^/]+/video/', '^/@[^/]+/photo/', '^/search', '^/tag/'],
    },

    instagram: {
      // A post: the modal first (it sits above the feed), then the main column; Reels use
      // sections, not articles.
      post: ['div[role="dialog"] article', 'main[role="main"] article', 'main article', 'article'],
      reel: ['main[role="main"] section', 'main section'],
      // Stable key: the shortcode of the permalink.
      permalink: ['a[href^="/p/"]', 'a[href^="/reel/"]', 'a[href*="/reel/"]', 'a[href*="/p/"]'],
      shortcodeFromHref: '/(?:p|reel|reels|tv)/([A-Za-z0-9_-]{5,})',
      // Author: a link to "/<user>/" (no other path part); these first path parts are not users.
      userFromHref: '^/([A-Za-z0-9._]{1,30})/$',
      reservedPaths: ['explore', 'reels', 'reel', 'p', 'accounts', 'stories', 'direct', 'tv', 'about', 'legal', 'developer', 'web', 'emails', 'challenge', 'privacy'],
      // Caption: the span[dir="auto"] that directly follows the block holding the author link
      // (the header block is followed by a div, the caption block by that span). By structure,
      // never by the obfuscated class names.
      captionSpan: 'span[dir="auto"]',
      // The post page / modal's older layout: author in an h2, caption in the h1 of the next block.
      captionHeading: 'h1[dir="auto"]',
      captionClimb: 7,
      // The "… more" expander inside the caption block is not caption text.
      expander: '[role="button"]',
      // The platform's labels, matched on an element's whole text (localised).
      sponsoredText: ['Paid partnership', 'Colaboración pagada', 'Sponsored', 'Publicidad'],
      profile: {
        header: ['main[role="main"] header', 'main header', 'header'],
        handle: ['h2', 'h1'],
        textSpan: 'span[dir="auto"]',
      },
      // Embedded first-page state (feed timeline).
      state: 'script[type="application/json"][data-sjs]',
      stateFeedKey: 'xdt_api__v1__feed__timeline__connection',
      postPages: ['^/$', '^/p/', '^/reels?/', '^/explore', '^/[A-Za-z0-9._]{1,30}/?$', '^/[A-Za-z0-9._]{1,30}/(?:p|reel|reels|tagged)/'],
    },
  });
})();
