/**
 * Media URLs, counts and small shared pieces every renderer uses. URLs follow the observed forms
 * (docs/reference-notes.md#media-urls): signed, time-limited app CDN URLs, dated web CDN URLs.
 */

import type { WorldImage, WorldNote, WorldUser, WorldVideo } from "../world/types.js";
import type { World } from "../world/world.js";
import { bigInt } from "./envelope.js";

/** Expiry (hex Unix seconds) carried in signed app URLs: a week after the world's now. */
export function expiryHex(world: World): string {
  return (world.now + 7 * 86_400).toString(16);
}

export function avatarUrl(user: WorldUser | undefined, width = 80): string {
  const key = user?.avatarKey ?? "default";
  return `https://sns-avatar-qc.xhscdn.com/avatar/${key}?imageView2/2/w/${width}/format/jpg`;
}

export function appImageUrl(world: World, fileId: string, width: number, scene: "SRH_PRV" | "SRH_DTL"): string {
  return `https://sns-na-i8.xhscdn.com/${fileId}?imageView2/2/w/${width}/format/heif/q/58|imageMogr2/strip&redImage/frame/0&ap=5&sc=${scene}&sign=${world.sign("img", fileId).slice(0, 32)}&t=${expiryHex(world)}`;
}

export function webImageUrl(world: World, fileId: string, style: "dft" | "prv"): string {
  return `http://sns-webpic-qc.xhscdn.com/202609010000/${world.sign("web", fileId).slice(0, 32)}/${fileId}!nd_${style}_wgth_webp_3`;
}

export function videoUrl(host: string, video: WorldVideo, streamType: number): string {
  return `http://${host}.xhscdn.com/stream/110/${streamType}/${video.streamKey}_${streamType}.mp4`;
}

/** Web counts are strings and abbreviated from 10,000 on ("1.2万"), as XHS web shows them. */
export function webCount(n: number): string {
  if (n < 10_000) return String(n);
  if (n < 100_000_000) return `${trimZero((n / 10_000).toFixed(1))}万`;
  return `${trimZero((n / 100_000_000).toFixed(1))}亿`;
}

function trimZero(s: string): string {
  return s.endsWith(".0") ? s.slice(0, -2) : s;
}

/** Cut to `max` characters (code points), as search and list endpoints cut bodies. */
export function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max).join("");
}

/** "2026-08-31" or "3天前", like the app's publish_time corner tag. */
export function publishText(world: World, time: number): string {
  const age = world.now - time;
  if (age < 3600) return `${Math.max(1, Math.floor(age / 60))}分钟前`;
  if (age < 86_400) return `${Math.floor(age / 3600)}小时前`;
  if (age < 7 * 86_400) return `${Math.floor(age / 86_400)}天前`;
  const d = new Date(time * 1000).toISOString().slice(0, 10);
  return d.startsWith(new Date(world.now * 1000).toISOString().slice(0, 4)) ? d.slice(5) : d;
}

/** One app video stream (h264 or h265), as in App V2 detail/search samples. */
export function appStream(video: WorldVideo, codec: "h264" | "h265", streamType: number, defaultStream: boolean) {
  const durationMs = video.durationSec * 1000 + 137;
  const bitrate = codec === "h264" ? 1_419_038 : 1_189_613;
  return {
    audio_bitrate: 56_639,
    audio_channels: 2,
    audio_codec: "aac",
    audio_duration: durationMs - 2,
    avg_bitrate: bitrate + 65_000,
    backup_urls: [videoUrl("sns-bak-v8", video, streamType), videoUrl("sns-bak-v10", video, streamType)],
    default_stream: defaultStream ? 1 : 0,
    duration: durationMs,
    format: "mp4",
    fps: 30,
    hdr_type: 0,
    height: video.height,
    master_url: videoUrl("sns-video-bd", video, streamType),
    opaque1: { didLoudnorm: "true", pcdn_302_flag: "false", pcdn_supplier: "", use_pcdn: "0" },
    psnr: 0,
    quality_type: "HD",
    rotate: 0,
    size: Math.floor((bitrate / 8) * video.durationSec),
    sr: 0,
    ssim: 0,
    stream_desc: codec === "h264" ? "X264_MP4" : `X265_MP4_${streamType}`,
    stream_type: streamType,
    video_bitrate: bitrate,
    video_codec: codec === "h264" ? "h264" : "hevc",
    video_duration: durationMs - 9,
    vmaf: -1,
    volume: 0,
    weight: 48,
    width: video.width,
  };
}

/** Video analysis flags (`media.video.opaque1`): detail and search answers carry different key sets (observed). */
function videoOpaque(variant: "detail" | "search"): Record<string, string> {
  const common = {
    amend_mobile: "0",
    audioClsInfo: "{}",
    audioLevInfo: "{}",
    bottomAvgLuma: "0.2",
    domestic: "1",
    hasHumanVoice: "1",
    isSupportSubtitle: "0",
    loudnorm: "-14.0",
    rightAvgLuma: "0.4",
    topAvgLuma: "0.5",
  };
  if (variant === "detail") return { ...common, insertSubtitleLanguages: "", videoLanguage: "zh-CN" };
  return {
    ...common,
    amend: "0",
    amend_2k: "0",
    amend_4k: "0",
    default_screencast_stream: "",
    hd_screencast_stream: "",
    weakNetUserFlag: "0",
  };
}

/**
 * The app's `video_info_v2` object. Variant "search": video_id a JSON number (> 2^53), h265 streams with ROI
 * hints; "detail": video_id a string, streams with `token`, plus `audio_stream`; "list": user lists.
 */
export function appVideoInfo(world: World, note: WorldNote, video: WorldVideo, variant: "detail" | "search" | "list") {
  const cover = note.images[0];
  const videoIdAsNumber = variant === "search";
  const stream = (codec: "h264" | "h265", streamType: number, def: boolean) => {
    const s: Record<string, unknown> = appStream(video, codec, streamType, def);
    if (variant === "detail") s.token = "";
    if (variant === "search" && codec === "h265") {
      s.opaque1 = { ...(s.opaque1 as object), roiWeight: "77.6", roi_info: '{"alpha":"1.0","gamma":"0.0"}' };
    }
    return s;
  };
  const videoMeta: Record<string, unknown> = {
    biz_id: note.id,
    biz_name: 110,
    bound: [{ h: 0, w: 0, x: 0, y: 0 }],
    drm_type: 0,
    duration: video.durationSec,
    hdr_type: 0,
    height: video.height,
    md5: video.md5,
    stream_types: [258, 114, 34],
    width: video.width,
  };
  if (variant !== "list") videoMeta.opaque1 = videoOpaque(variant);
  const media: Record<string, unknown> = {
    stream: {
      av1: [],
      h264: [stream("h264", 258, false)],
      h265: [stream("h265", 114, true), stream("h265", 34, false)],
      h266: [],
    },
    user_level: 0,
    video: videoMeta,
    video_id: videoIdAsNumber ? bigInt(video.videoId) : video.videoId,
  };
  if (variant === "detail") media.audio_stream = {};
  return {
    capa: { duration: video.durationSec, frame_ts: 0, is_upload: false, is_user_select: false },
    consumer: { can_super_resolution: false },
    image: {
      first_frame: cover ? appImageUrl(world, cover.fileId, 1080, "SRH_DTL") : "",
      thumbnail: cover ? appImageUrl(world, cover.fileId, 720, "SRH_PRV") : "",
      thumbnail_dim: `${video.width}x${video.height}`,
    },
    media,
  };
}

/** An app live-photo clip on an image (`images_list[].live_photo`), with its int64 video id as a number. */
export function appLivePhoto(img: WorldImage) {
  const live = img.livePhoto;
  if (!live) return undefined;
  return {
    media: {
      stream: {
        h264: [],
        h265: [
          {
            master_url: `http://sns-video-bd.xhscdn.com/stream/1/10/16/${live.fileId}_16.mp4`,
            backup_urls: [`http://sns-bak-v8.xhscdn.com/stream/1/10/16/${live.fileId}_16.mp4`],
            stream_desc: "livephoto_r256_1080p_16_andr",
            width: live.width,
            height: live.height,
            duration: live.durationSec * 1000,
            format: "mp4",
            video_codec: "hevc",
          },
        ],
      },
      video: {
        duration: live.durationSec,
        width: live.width,
        height: live.height,
        stream_types: [16],
        opaque1: { livephoto_flag: "1" },
      },
      video_id: bigInt(live.videoId),
    },
  };
}

/** A web image object (note detail and search cards): url_default/url_pre and info_list. */
export function webImage(world: World, img: WorldImage, detail: boolean) {
  const dft = webImageUrl(world, img.fileId, "dft");
  const prv = webImageUrl(world, img.fileId, "prv");
  const base = {
    height: img.height,
    width: img.width,
    info_list: [
      { image_scene: "WB_PRV", url: prv },
      { image_scene: "WB_DFT", url: dft },
    ],
  };
  if (!detail) return base;
  const live = img.livePhoto;
  return {
    ...base,
    url_default: dft,
    url_pre: prv,
    file_id: "",
    trace_id: "",
    url: "",
    live_photo: live !== null,
    stream: live
      ? {
          h264: [
            {
              master_url: `http://sns-video-bd.xhscdn.com/stream/1/10/19/${live.fileId}_19.mp4`,
              backup_urls: [`http://sns-bak-v8.xhscdn.com/stream/1/10/19/${live.fileId}_19.mp4`],
            },
          ],
          h265: [],
          av1: [],
          h266: [],
        }
      : {},
  };
}

/** A web card cover (user lists, search cards). */
export function webCover(world: World, img: WorldImage | undefined, full: boolean) {
  const fileId = img?.fileId ?? "1040g00000000000000000000000000000000000";
  const dft = webImageUrl(world, fileId, "dft");
  const prv = webImageUrl(world, fileId, "prv");
  const base = {
    url_default: dft,
    url_pre: prv,
    height: img?.height ?? 1440,
    width: img?.width ?? 1080,
  };
  if (!full) return base;
  return {
    ...base,
    info_list: [
      { image_scene: "WB_PRV", url: prv },
      { image_scene: "WB_DFT", url: dft },
    ],
    file_id: "",
    trace_id: "",
    url: "",
  };
}

/** The web note `video` object; its video_id is an int64 JSON number (> 2^53), as in the web sample. */
export function webVideo(video: WorldVideo) {
  const stream = (codec: "h264" | "h265", streamType: number) => {
    const s = appStream(video, codec, streamType, codec === "h265");
    const { opaque1: _o, sr: _sr, ...rest } = s;
    return { ...rest, stream_desc: codec === "h264" ? "WM_X264_MP4" : `X265_MP4_WEB_${streamType}` };
  };
  return {
    capa: { duration: video.durationSec },
    consumer: { origin_video_key: video.originVideoKey },
    media: {
      video_id: bigInt(video.videoId),
      video: {
        biz_name: 110,
        biz_id: video.videoId.slice(0, 18),
        duration: video.durationSec,
        md5: video.md5,
        hdr_type: 0,
        drm_type: 0,
        stream_types: [259, 114, 115],
      },
      stream: { h264: [stream("h264", 259)], h265: [stream("h265", 114)], av1: [], h266: [] },
    },
    image: { thumbnail_fileid: `frame/110/0/${video.streamKey}_0.webp` },
  };
}
